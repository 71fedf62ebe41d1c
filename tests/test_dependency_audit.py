"""The dependency audit's matcher (audit/dependency_audit.py) on a made-up database: no network.
Named apart from tests/audit/, which tests the admin audit log."""
import importlib.util
import json
import sys
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location(
    "dependency_audit", Path(__file__).resolve().parent.parent / "audit" / "dependency_audit.py")
da = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = da  # dataclasses look their module up there
_spec.loader.exec_module(da)


def adv(ident, ecosystem, name, events=None, versions=None):
    affected = {"package": {"ecosystem": ecosystem, "name": name}}
    if events:
        affected["ranges"] = [{"type": "SEMVER" if ecosystem == "npm" else "ECOSYSTEM", "events": events}]
    if versions:
        affected["versions"] = versions
    return {"id": ident, "summary": f"{ident} summary", "affected": [affected]}


FAKE = adv("FAKE-1", "PyPI", "Fake_Pkg", [{"introduced": "1.2"}, {"fixed": "1.4.1"}])


@pytest.mark.parametrize("version, hit", [("1.1", False), ("1.2", True), ("1.4.0", True), ("1.4.1rc1", True),
                                          ("1.4.1", False), ("2.0", False)])
def test_pypi_range_uses_pep440_order(version, hit):
    found = da.match([da.Package("PyPI", "fake-pkg", version)], [FAKE])
    assert bool(found) == hit
    if hit:
        assert found[0].fixed == ["1.4.1"] and found[0].id == "FAKE-1"


def test_explicit_versions_and_last_affected():
    advisories = [adv("A", "PyPI", "x", versions=["0.9"]),
                  adv("B", "PyPI", "x", [{"introduced": "0"}, {"last_affected": "1.0"}])]
    assert [f.id for f in da.match([da.Package("PyPI", "x", "0.9")], advisories)] == ["A", "B"]
    assert [f.id for f in da.match([da.Package("PyPI", "x", "1.0")], advisories)] == ["B"]
    assert da.match([da.Package("PyPI", "x", "1.0.1")], advisories) == []


def test_withdrawn_and_other_ecosystem_ignored():
    withdrawn = dict(FAKE, withdrawn="2026-01-01T00:00:00Z")
    assert da.match([da.Package("PyPI", "fake-pkg", "1.3")], [withdrawn]) == []
    assert da.match([da.Package("npm", "fake-pkg", "1.3.0")], [FAKE]) == []


@pytest.mark.parametrize("version, hit", [
    ("2.0.0-alpha.1", False), ("2.0.0-beta.2", True), ("2.0.0-beta.11", True), ("2.0.0-rc.1", True),
    ("2.0.0", True), ("2.9.10", True), ("2.10.0-rc.1", True), ("2.10.0", False), ("2.10.0+build.5", False),
    ("10.0.0", False)])
def test_npm_semver_ranges_with_prereleases(version, hit):
    advisory = adv("NPM-1", "npm", "left-pad", [{"introduced": "2.0.0-beta.2"}, {"fixed": "2.10.0"}])
    assert bool(da.match([da.Package("npm", "left-pad", version)], [advisory])) == hit


def test_semver_precedence():
    order = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11",
             "1.0.0-rc.1", "1.0.0", "1.0.1", "1.10.0"]
    parsed = [da.SemVer(v) for v in order]
    assert parsed == sorted(reversed(parsed))
    assert da.SemVer("1.0.0+a") == da.SemVer("1.0.0")


def test_allowlist_needs_id_package_and_reason():
    found = da.match([da.Package("PyPI", "fake-pkg", "1.3"), da.Package("PyPI", "other", "1.3")],
                     [FAKE, adv("FAKE-2", "PyPI", "other", [{"introduced": "0"}])])
    problems = da.apply_allowlist(found, [{"id": "FAKE-1", "package": "Fake.Pkg", "reason": "not reachable"},
                                          {"id": "FAKE-2", "package": "other", "reason": " "}])
    assert [f.allowed_because for f in found] == ["not reachable", None]
    assert problems == ["allowlist entry FAKE-2 for other has no reason"]


def test_npm_lockfile_lists_dev_and_nested_packages(tmp_path):
    lock = {"lockfileVersion": 3, "packages": {
        "": {"name": "app", "version": "0.1.0"},
        "node_modules/idb": {"version": "8.0.4"},
        "node_modules/@scope/tool": {"version": "1.0.0-rc.1", "dev": True},
        "node_modules/a/node_modules/idb": {"version": "7.1.1", "dev": True},
        "node_modules/linked": {"link": True, "resolved": "../linked"}}}
    (tmp_path / "package-lock.json").write_text(json.dumps(lock))
    assert da.npm_packages(tmp_path / "package-lock.json") == [
        da.Package("npm", "@scope/tool", "1.0.0-rc.1"), da.Package("npm", "idb", "7.1.1"),
        da.Package("npm", "idb", "8.0.4")]


def test_run_fails_on_a_finding_until_allowlisted(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(da, "python_packages", lambda: [da.Package("PyPI", "fake-pkg", "1.3")])
    db = tmp_path / "osv.json"
    db.write_text(json.dumps({"built": "2026-12-06", "sources": [], "vulnerabilities": [FAKE]}))
    allow = tmp_path / "allowlist.json"
    lock = tmp_path / "package-lock.json"
    lock.write_text(json.dumps({"packages": {}}))
    args = ["--offline", "--db", str(db), "--allowlist", str(allow), "--lockfile", str(lock)]
    assert da.main(args) == 1
    out = capsys.readouterr().out
    assert "FAKE-1" in out and "1.4.1" in out and "1 not allowed" in out
    allow.write_text(json.dumps({"allow": [{"id": "FAKE-1", "package": "fake-pkg", "reason": "test only"}]}))
    assert da.main(args) == 0
    db.write_text(json.dumps({"built": "2026-12-06", "vulnerabilities": [
        adv("FAKE-1", "PyPI", "fake-pkg", [{"introduced": "0"}, {"fixed": "1.3"}])]}))
    allow.unlink()
    assert da.main(args) == 0
