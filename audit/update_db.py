"""Rebuilds audit/osv.json for the packages this checkout installs and locks.

Sources, best first, each used when it can be had:
1. osv.dev's full exports for PyPI and npm (needs the open internet; unreachable from this project's
   machines as of 2026-12-06).
2. The safety-db package on PyPI (PyUp.io's free database; its last release, 2021.7.17, holds data as
   of 2021-07-01): fetched with pip, so it works wherever pip does.
3. audit/advisories/*.json: advisories read by hand from released packages' changelogs.
"""
from __future__ import annotations

import datetime
import io
import json
import subprocess
import sys
import tempfile
import urllib.request
import zipfile
from pathlib import Path

from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dependency_audit import DB, ROOT, normalize_name, npm_packages, python_packages  # noqa: E402

OSV_EXPORT = "https://osv-vulnerabilities.storage.googleapis.com/{}/all.zip"
SAFETY_DB = "safety-db==2021.7.17"


def osv_exports(wanted: dict[str, set[str]]) -> list[dict] | None:
    out = []
    for ecosystem in ("PyPI", "npm"):
        try:
            with urllib.request.urlopen(OSV_EXPORT.format(ecosystem), timeout=30) as r:
                archive = zipfile.ZipFile(io.BytesIO(r.read()))
        except OSError as e:
            print(f"osv.dev {ecosystem} export: unreachable ({e})")
            return None
        for member in archive.namelist():
            adv = json.loads(archive.read(member))
            if any(normalize_name(ecosystem, a["package"]["name"]) in wanted[ecosystem]
                   for a in adv.get("affected", []) if a.get("package", {}).get("ecosystem") == ecosystem):
                out.append(adv)
    return out


def _events(spec: str) -> list[dict] | None:
    """One safety-db spec ("<1.0", ">=1.0,<1.0.3", "<=2.2") as OSV events; None when it is not a range."""
    introduced, end = "0", None
    for s in SpecifierSet(spec):
        if s.operator in (">=",):
            introduced = s.version
        elif s.operator == "<":
            end = {"fixed": s.version}
        elif s.operator == "<=":
            end = {"last_affected": s.version}
        elif s.operator == "==" and "*" not in s.version:
            introduced, end = s.version, {"last_affected": s.version}
        else:
            return None
    return [{"introduced": introduced}] + ([end] if end else [])


def safety_db(wanted: set[str]) -> tuple[list[dict], str] | None:
    with tempfile.TemporaryDirectory() as tmp:
        got = subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", tmp, SAFETY_DB],
                             capture_output=True, text=True)
        wheels = list(Path(tmp).glob("safety_db-*.whl"))
        if got.returncode or not wheels:
            print(f"safety-db: not fetched ({got.stderr.strip()[-200:]})")
            return None
        with zipfile.ZipFile(wheels[0]) as whl:
            full = json.loads(whl.read("safety_db/insecure_full.json"))
    as_of = datetime.datetime.fromtimestamp(full["$meta"]["timestamp"], datetime.timezone.utc).date().isoformat()
    out, skipped = [], 0
    for name, entries in full.items():
        if name.startswith("$") or canonicalize_name(name) not in wanted:
            continue
        for e in entries:
            ranges = [_events(spec) for spec in e.get("specs", [])]
            if not ranges or None in ranges:
                skipped += 1
                continue
            cve = e.get("cve")
            out.append({
                "id": e["id"],
                "aliases": [c.strip() for c in cve.split(",")] if cve else [],
                "summary": e["advisory"].split("\n")[0][:160],
                "details": e["advisory"],
                "affected": [{"package": {"ecosystem": "PyPI", "name": canonicalize_name(name)},
                              "ranges": [{"type": "ECOSYSTEM", "events": ev} for ev in ranges]}],
                "database_specific": {"source": f"{SAFETY_DB} (PyUp.io)", "specs": e.get("specs", [])},
            })
    if skipped:
        print(f"safety-db: {skipped} advisories with specs that are not plain ranges left out")
    return out, as_of


def main() -> int:
    py, npm = python_packages(), npm_packages()
    wanted = {"PyPI": {canonicalize_name(p.name) for p in py}, "npm": {normalize_name("npm", p.name) for p in npm}}
    vulns, sources = [], []

    exported = osv_exports(wanted)
    if exported is not None:
        vulns += exported
        sources.append({"name": "osv.dev PyPI and npm exports", "data_as_of": datetime.date.today().isoformat(),
                        "count": len(exported)})

    got = safety_db(wanted["PyPI"])
    if got:
        vulns += got[0]
        sources.append({"name": f"{SAFETY_DB} from PyPI (PyUp.io; no newer release exists)",
                        "data_as_of": got[1], "count": len(got[0])})

    for path in sorted((ROOT / "audit" / "advisories").glob("*.json")):
        curated = json.loads(path.read_text())
        vulns += curated["vulnerabilities"]
        sources.append({"name": f"{path.relative_to(ROOT)}: {curated['name']}",
                        "data_as_of": curated.get("data_as_of", "?"), "count": len(curated["vulnerabilities"])})

    db = {
        "comment": "Generated by audit/update-db; do not edit (add hand-read advisories to audit/advisories/). "
                   "Holds only advisories for the packages installed or locked when it was built, from the "
                   "sources below with their dates: the audit knows nothing newer.",
        "built": datetime.date.today().isoformat(),
        "sources": sources,
        "vulnerabilities": sorted(vulns, key=lambda v: v["id"]),
    }
    DB.write_text(json.dumps(db, indent=1) + "\n")
    print(f"wrote {DB.relative_to(ROOT)}: {len(vulns)} advisories")
    for s in sources:
        print(f"  {s['name']}: {s['count']} (data as of {s['data_as_of']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
