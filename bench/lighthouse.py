"""Lighthouse 12 scores of the PWA's main screens on mobile settings.

    .venv/bin/python bench/lighthouse.py            # starts its own server with demo data
    .venv/bin/python bench/lighthouse.py --url http://127.0.0.1:5000 --email E --password P

Runs `lighthouse@12.2.3` (pinned dev dependency of pwa/) with Debian's Chromium, default
mobile form factor and simulated throttling, and prints performance / accessibility /
best-practices for each screen (targets 95 / 100 / 100). Signed-in screens use a Chromium
profile that Playwright logged in first (`--disable-storage-reset` keeps it). Reports go
to bench/out/ (git-ignored). Lighthouse 12 has no PWA category; installability is checked
by tests/browser/test_shell.py instead.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PWA = ROOT / "pwa"
OUT = ROOT / "bench" / "out"
LIGHTHOUSE = PWA / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CATEGORIES = ["performance", "accessibility", "best-practices"]
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100}
DEMO_EMAIL = "callum.fraser@valueboard.demo"
DEMO_PASSWORD = "valueboard-demo"
SCREENS = [("login", "/", False), ("home", "/", True), ("log time lost", "/log/time_lost", True),
           ("my entries", "/entries", True), ("tally", "/tally", True), ("box score", "/boxscore", True),
           ("measures", "/measures", True)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(tmp: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp / 'lh.db'}", "RATE_LIMITS": "off", "SECRET_KEY": "lighthouse-bench"}
    flask = [sys.executable, "-m", "flask", "--app", "server"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([*flask, "seed-demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    proc = subprocess.Popen(server_command(port), cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return proc, wait_until_up(proc, port)


def server_command(port: int) -> list[str]:
    """gunicorn with two workers, as in production (the Flask dev server is not what users get)."""
    if shutil.which("gunicorn") is None and not (Path(sys.executable).parent / "gunicorn").exists():
        return [sys.executable, "-m", "flask", "--app", "server", "run", "--port", str(port), "--no-reload", "--with-threads"]
    return [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "server:create_app()"]


def wait_until_up(proc: subprocess.Popen, port: int) -> str:
    """The server's URL once /api/health answers (30 s at most; the server is stopped if it never does)."""
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            with urllib.request.urlopen(url + "/api/health", timeout=1):
                return url
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start")


def sign_in_profile(url: str, profile: Path, email: str, password: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"],
            viewport={"width": 412, "height": 823},
        )
        page = ctx.new_page()
        page.goto(url + "/")
        page.fill("#email", email)
        page.fill("#password", password)
        page.click("button[type=submit]")
        page.wait_for_selector("h1:has-text('Hello')")
        page.wait_for_function("async () => !!(await navigator.serviceWorker.getRegistration())?.active")
        page.wait_for_timeout(1500)
        ctx.close()


def run_lighthouse(url: str, name: str, profile: Path | None) -> dict:
    OUT.mkdir(parents=True, exist_ok=True)
    report = OUT / f"lighthouse-{name.replace(' ', '-')}.json"
    flags = "--headless=new --no-sandbox --disable-gpu"
    cmd = [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
           f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={flags}"]
    if profile:
        cmd[-1] = f"--chrome-flags={flags} --user-data-dir={profile}"
        cmd.append("--disable-storage-reset")
    subprocess.run(cmd, check=True, env={**os.environ, "CHROME_PATH": CHROMIUM}, cwd=PWA)
    data = json.loads(report.read_text())
    scores = {c: round((data["categories"][c]["score"] or 0) * 100) for c in CATEGORIES if c in data["categories"]}
    missing = set(CATEGORIES) - set(scores)
    if missing:
        raise RuntimeError(f"Lighthouse returned no {sorted(missing)} category for {url}")
    failed = {
        c: [a["id"] for a in (data["audits"][r["id"]] for r in data["categories"][c]["auditRefs"])
            if a.get("score") is not None and a["score"] < 1 and a.get("scoreDisplayMode") in ("binary", "numeric")][:8]
        for c in ("accessibility", "best-practices") if scores.get(c, 100) < 100
    }
    return {"scores": scores, "failed": failed, "final_url": data.get("finalDisplayedUrl") or data.get("finalUrl")}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", help="an already running Valueboard (default: start one with demo data)")
    ap.add_argument("--email", default=DEMO_EMAIL)
    ap.add_argument("--password", default=DEMO_PASSWORD)
    args = ap.parse_args()
    if not LIGHTHOUSE.exists():
        print("Install the PWA's dev dependencies first: npm --prefix pwa ci", file=sys.stderr)
        return 2
    if not (PWA / "dist" / "index.html").exists():
        subprocess.run(["npm", "run", "build"], cwd=PWA, check=True)
    tmp = Path(tempfile.mkdtemp(prefix="vb-lighthouse-"))
    proc = None
    try:
        url = args.url
        if not url:
            proc, url = start_server(tmp)
        profile = tmp / "profile"
        sign_in_profile(url, profile, args.email, args.password)
        rows = []
        for name, path, signed_in in SCREENS:
            result = run_lighthouse(url + path, name, profile if signed_in else None)
            rows.append((name, path, result))
        print(f"\nLighthouse 12.2.3, mobile, {url}")
        print(f"{'screen':<16}{'path':<18}" + "".join(f"{c:>16}" for c in CATEGORIES))
        ok = True
        for name, path, result in rows:
            s = result["scores"]
            print(f"{name:<16}{path:<18}" + "".join(f"{s[c]:>16}" for c in CATEGORIES))
            for cat, audits in result["failed"].items():
                print(f"{'':<34}{cat} below 100: {', '.join(audits)}")
            ok &= all(s[c] >= TARGETS[c] for c in CATEGORIES)
        print("targets: " + ", ".join(f"{c} {t}" for c, t in TARGETS.items()) + (" — met" if ok else " — NOT met"))
        return 0 if ok else 1
    finally:
        if proc:
            proc.terminate()
            proc.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
