"""Dependency audit: the installed Python distributions and the PWA's locked npm packages against the
OSV advisories committed in audit/osv.json, plus PyPI's and npm's own advisory services when they answer.

A finding fails the run unless audit/allowlist.json lists it with a reason; a service that cannot be
reached never does, since this machine's registries may not carry them.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import importlib.metadata
import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parent.parent
DB = ROOT / "audit" / "osv.json"
ALLOWLIST = ROOT / "audit" / "allowlist.json"
LOCKFILE = ROOT / "pwa" / "package-lock.json"
SELF = canonicalize_name("valueboard")


# --- versions -------------------------------------------------------------------------------------

_SEMVER = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$")


class SemVer:
    """SemVer 2.0 precedence: a prerelease sorts before its release, numeric identifiers below
    alphanumeric ones, and build metadata is ignored."""

    def __init__(self, text: str):
        m = _SEMVER.match(text.strip())
        if not m:
            raise ValueError(f"not a semver version: {text!r}")
        self.core = tuple(int(m.group(i)) for i in (1, 2, 3))
        self.pre = tuple(m.group(4).split(".")) if m.group(4) else ()

    def _key(self):
        pre = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in self.pre)
        # (1,) after every prerelease tuple: a release outranks its prereleases.
        return (self.core, (0, pre) if self.pre else (1, ()))

    def __lt__(self, other): return self._key() < other._key()
    def __le__(self, other): return self._key() <= other._key()
    def __gt__(self, other): return self._key() > other._key()
    def __ge__(self, other): return self._key() >= other._key()
    def __eq__(self, other): return self._key() == other._key()
    def __hash__(self): return hash(self._key())
    def __repr__(self): return f"SemVer({'.'.join(map(str, self.core))}{'-' + '.'.join(self.pre) if self.pre else ''})"


def parse_version(ecosystem: str, text: str):
    if ecosystem == "npm":
        return SemVer(text)
    return Version(text)


def normalize_name(ecosystem: str, name: str) -> str:
    return canonicalize_name(name) if ecosystem == "PyPI" else name.lower()


# --- matching -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Package:
    ecosystem: str
    name: str
    version: str


@dataclass
class Finding:
    package: Package
    id: str
    aliases: list[str]
    summary: str
    fixed: list[str]
    source: str
    allowed_because: str | None = None


def _range_affects(rng: dict, ecosystem: str, version) -> bool | None:
    """None when the range cannot be read (an unparsable event version or a GIT range)."""
    if rng.get("type") not in ("ECOSYSTEM", "SEMVER"):
        return None
    events = []
    for ev in rng.get("events", []):
        (kind, value), = ev.items()
        if kind == "limit":
            continue
        try:
            at = None if value == "0" else parse_version(ecosystem, value)
        except (InvalidVersion, ValueError):
            return None
        events.append((kind, at))
    # OSV's evaluation: walk the events in version order, the last one at or below the version decides.
    order = {"introduced": 0, "last_affected": 1, "fixed": 2}
    events.sort(key=lambda e: (0, order[e[0]]) if e[1] is None else (1, e[1], order[e[0]]))
    affected = False
    for kind, at in events:
        if kind == "introduced" and (at is None or version >= at):
            affected = True
        elif kind == "fixed" and version >= at:
            affected = False
        elif kind == "last_affected" and version > at:
            affected = False
    return affected


def affects(advisory: dict, pkg: Package) -> tuple[bool, list[str]]:
    """Whether the advisory names this package at this version, and the releases it says fix it."""
    try:
        version = parse_version(pkg.ecosystem, pkg.version)
    except (InvalidVersion, ValueError):
        return False, []
    hit, fixed = False, []
    for aff in advisory.get("affected", []):
        p = aff.get("package", {})
        if p.get("ecosystem") != pkg.ecosystem or normalize_name(pkg.ecosystem, p.get("name", "")) != normalize_name(pkg.ecosystem, pkg.name):
            continue
        if pkg.version in aff.get("versions", []):
            hit = True
        for rng in aff.get("ranges", []):
            if _range_affects(rng, pkg.ecosystem, version):
                hit = True
            fixed += [ev["fixed"] for ev in rng.get("events", []) if "fixed" in ev]
    return hit, sorted(set(fixed))


def match(packages: list[Package], advisories: list[dict], source: str = "database") -> list[Finding]:
    by_name: dict[tuple[str, str], list[dict]] = {}
    for adv in advisories:
        if adv.get("withdrawn"):
            continue
        for aff in adv.get("affected", []):
            p = aff.get("package", {})
            key = (p.get("ecosystem"), normalize_name(p.get("ecosystem", ""), p.get("name", "")))
            if adv not in by_name.setdefault(key, []):
                by_name[key].append(adv)
    findings = []
    for pkg in packages:
        for adv in by_name.get((pkg.ecosystem, normalize_name(pkg.ecosystem, pkg.name)), []):
            hit, fixed = affects(adv, pkg)
            if hit:
                findings.append(Finding(pkg, adv["id"], adv.get("aliases", []), adv.get("summary") or
                                        (adv.get("details") or "").split("\n")[0][:120], fixed, source))
    return findings


def apply_allowlist(findings: list[Finding], allowlist: list[dict]) -> list[str]:
    """Marks allowed findings; returns the allowlist's own problems (an entry without a reason)."""
    problems = []
    for entry in allowlist:
        if not str(entry.get("reason", "")).strip():
            problems.append(f"allowlist entry {entry.get('id')} for {entry.get('package')} has no reason")
    for f in findings:
        ids = {f.id, *f.aliases}
        for entry in allowlist:
            if entry.get("id") in ids and normalize_name(f.package.ecosystem, entry.get("package", "")) == \
                    normalize_name(f.package.ecosystem, f.package.name) and str(entry.get("reason", "")).strip():
                f.allowed_because = entry["reason"].strip()
                break
    return problems


# --- what is installed ----------------------------------------------------------------------------

def python_packages() -> list[Package]:
    """Every distribution in the interpreter running this (the project's .venv), the project itself
    excepted: it is not published anywhere an advisory could name it."""
    seen = {}
    for dist in importlib.metadata.distributions():
        name = dist.metadata["Name"]
        if name and canonicalize_name(name) != SELF:
            seen[canonicalize_name(name)] = Package("PyPI", name, dist.version)
    return sorted(seen.values(), key=lambda p: canonicalize_name(p.name))


def npm_packages(lockfile: Path = LOCKFILE) -> list[Package]:
    """Every package the lockfile pins, dev and nested copies included."""
    if not lockfile.exists():
        return []
    lock = json.loads(lockfile.read_text())
    seen = set()
    for path, meta in lock.get("packages", {}).items():
        if not path or meta.get("link") or "version" not in meta:
            continue
        name = meta.get("name") or path.rsplit("node_modules/", 1)[-1]
        seen.add(Package("npm", name, meta["version"]))
    return sorted(seen, key=lambda p: (p.name, p.version))


# --- the services, when they answer ---------------------------------------------------------------

def _pypi_json_base() -> str:
    # The index pip is set up to use; its JSON API sits beside the simple index.
    index = os.environ.get("PIP_INDEX_URL")
    if not index:
        try:
            out = subprocess.run([sys.executable, "-m", "pip", "config", "get", "global.index-url"],
                                 capture_output=True, text=True, timeout=30)
            index = out.stdout.strip() if out.returncode == 0 else ""
        except (OSError, subprocess.SubprocessError):
            index = ""
    if index:
        return index.rstrip("/").removesuffix("/simple").rstrip("/") + "/pypi"
    from pip._internal.models.index import PyPI
    return PyPI.pypi_url


def _get_json(url: str, timeout: float = 15):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, None
    except (OSError, ValueError):
        return None, None


def _pypi_vuln_findings(pkg: Package, vulns: list[dict], how: str) -> list[Finding]:
    out = []
    for v in vulns or []:
        if v.get("withdrawn"):
            continue
        out.append(Finding(pkg, v["id"], v.get("aliases") or [], (v.get("summary") or v.get("details") or "")
                           .split("\n")[0][:120], v.get("fixed_in") or [], how))
    return out


def pypi_online(packages: list[Package]) -> tuple[list[Finding], str]:
    """PyPI's per-release JSON (the service pip-audit uses) when it answers. Where only the project
    JSON answers, its vulnerabilities are those of the latest release: they cover exactly the
    distributions installed at their latest release."""
    if not packages:
        return [], "no packages"
    base = _pypi_json_base()
    probe = packages[0]
    status, _ = _get_json(f"{base}/{probe.name}/{probe.version}/json", timeout=10)
    per_release = status == 200
    if not per_release:
        status, _ = _get_json(f"{base}/{probe.name}/json", timeout=10)
        if status != 200:
            return [], "skipped: no network (PyPI's JSON API did not answer)"

    def one(pkg):
        if per_release:
            status, data = _get_json(f"{base}/{pkg.name}/{pkg.version}/json")
            return pkg, status, data, True
        status, data = _get_json(f"{base}/{pkg.name}/json")
        covered = bool(data) and data["info"]["version"] == pkg.version
        return pkg, status, data, covered

    findings, covered, behind, failed = [], 0, [], []
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        for pkg, status, data, is_covered in pool.map(one, packages):
            if status != 200 or not data:
                failed.append(pkg.name)
            elif not is_covered:
                behind.append(f"{pkg.name} {pkg.version} (latest {data['info']['version']})")
            else:
                covered += 1
                findings += _pypi_vuln_findings(pkg, data.get("vulnerabilities"), "PyPI")
    how = "per-release JSON" if per_release else "latest-release JSON only"
    note = f"{covered} of {len(packages)} checked by PyPI ({how})"
    if behind:
        note += f"; not at their latest release, so not seen by it: {', '.join(behind)}"
    if failed:
        note += f"; no answer for: {', '.join(failed)}"
    return findings, note


def npm_online(pwa: Path = LOCKFILE.parent) -> tuple[list[Finding], str]:
    if not (pwa / "package-lock.json").exists():
        return [], "no lockfile"
    try:
        out = subprocess.run(["npm", "audit", "--json", "--package-lock-only", "--audit-level=none"],
                             cwd=pwa, capture_output=True, text=True, timeout=120)
        report = json.loads(out.stdout or "{}")
    except (OSError, subprocess.SubprocessError, ValueError):
        return [], "skipped: no network (npm audit did not run)"
    if "vulnerabilities" not in report:
        reason = (report.get("error") or {}).get("summary") or report.get("message") or "no answer"
        return [], f"skipped: no network (npm's advisory service: {reason.splitlines()[0][:100]})"
    findings = []
    for name, vuln in report["vulnerabilities"].items():
        for via in vuln.get("via", []):
            if not isinstance(via, dict):
                continue  # only a dependency of a vulnerable package; that package has its own entry
            url = via.get("url", "")
            ident = url.rsplit("/", 1)[-1] if "GHSA-" in url else f"npm-{via.get('source')}"
            for node in vuln.get("nodes", []) or [name]:
                version = _lock_version(pwa, node) or "?"
                findings.append(Finding(Package("npm", name, version), ident, [], via.get("title", ""),
                                        [f"outside {via.get('range')}"] if via.get("range") else [], "npm audit"))
    return findings, f"npm audit answered: {len(report['vulnerabilities'])} vulnerable packages"


def _lock_version(pwa: Path, node: str) -> str | None:
    lock = json.loads((pwa / "package-lock.json").read_text())
    return lock.get("packages", {}).get(node, {}).get("version")


# --- the run --------------------------------------------------------------------------------------

def load_db(path: Path = DB) -> dict:
    return json.loads(path.read_text())


def load_allowlist(path: Path = ALLOWLIST) -> list[dict]:
    return json.loads(path.read_text()).get("allow", []) if path.exists() else []


def dedupe(findings: list[Finding]) -> list[Finding]:
    """The same flaw seen by the database and a service, or under an alias, is reported once."""
    kept: list[Finding] = []
    for f in findings:
        ids = {f.id, *f.aliases}
        twin = next((k for k in kept if k.package == f.package and ids & {k.id, *k.aliases}), None)
        if twin:
            twin.source = ", ".join(dict.fromkeys([*twin.source.split(", "), f.source]))
        else:
            kept.append(f)
    return kept


def print_table(findings: list[Finding], out=None) -> None:
    out = out or sys.stdout
    rows = [("package", "installed", "advisory", "fixed in", "seen by", "summary / allowed because")]
    for f in sorted(findings, key=lambda f: (f.package.ecosystem, f.package.name.lower(), f.id)):
        note = f"ALLOWED: {f.allowed_because[:100]}..." if f.allowed_because else f.summary
        rows.append((f"{f.package.name} ({f.package.ecosystem})", f.package.version, f.id,
                     ", ".join(f.fixed) or "-", f.source, note))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[5], file=out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--offline", action="store_true", help="use the committed database only")
    ap.add_argument("--db", type=Path, default=DB)
    ap.add_argument("--allowlist", type=Path, default=ALLOWLIST)
    ap.add_argument("--lockfile", type=Path, default=LOCKFILE)
    args = ap.parse_args(argv)
    offline = args.offline or os.environ.get("AUDIT_OFFLINE") == "1"

    db = load_db(args.db)
    advisories = db.get("vulnerabilities", [])
    py, npm = python_packages(), npm_packages(args.lockfile)
    findings = match(py + npm, advisories, "database")

    notes = []
    if offline:
        notes += ["PyPI: skipped (--offline)", "npm audit: skipped (--offline)"]
    else:
        f, note = pypi_online(py)
        findings += f
        notes.append(f"PyPI: {note}")
        f, note = npm_online(args.lockfile.parent)
        findings += f
        notes.append(f"npm audit: {note}")

    findings = dedupe(findings)
    problems = apply_allowlist(findings, load_allowlist(args.allowlist))
    failing = [f for f in findings if not f.allowed_because]

    print(f"Dependency audit: {len(py)} Python distributions (this .venv) and {len(npm)} npm packages "
          f"({args.lockfile.relative_to(ROOT) if args.lockfile.is_relative_to(ROOT) else args.lockfile}, dev included)")
    print(f"Database: {args.db.name}, built {db.get('built', '?')}, {len(advisories)} advisories; sources:")
    for s in db.get("sources", []):
        print(f"  - {s.get('name')}: data as of {s.get('data_as_of', '?')}, {s.get('count', '?')} advisories")
    for n in notes:
        print(n)
    if findings:
        print()
        print_table(findings)
    print()
    for p in problems:
        print(f"ERROR: {p}")
    print(f"{len(findings)} findings, {len(findings) - len(failing)} allowed, {len(failing)} not allowed")
    return 1 if failing or problems else 0


if __name__ == "__main__":
    sys.exit(main())
