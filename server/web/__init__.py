"""Serves the built PWA (``pwa/dist``) so the whole app comes from one origin, with no CDN."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, current_app, send_from_directory
from werkzeug.exceptions import NotFound

bp = Blueprint("web", __name__)

# The service worker and manifest must be re-checked on every load for updates to be noticed.
REVALIDATE = {"sw.js", "index.html", "manifest.webmanifest"}


def _dist() -> Path:
    return Path(current_app.config["PWA_DIST"])


@bp.get("/", defaults={"path": ""})
@bp.get("/<path:path>")
def pwa(path: str):
    if path.startswith("api/") or path == "api":
        raise NotFound()
    dist = _dist()
    target = dist / path
    if path and target.is_file():
        response = send_from_directory(dist, path)
        if path in REVALIDATE:
            response.headers["Cache-Control"] = "no-cache"
        elif path.startswith("assets/"):
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response
    if "." in path.rsplit("/", 1)[-1]:
        raise NotFound()
    if not (dist / "index.html").is_file():
        return (
            "The web app has not been built yet: run `npm --prefix pwa ci && npm --prefix pwa run build`.",
            503,
            {"Content-Type": "text/plain; charset=utf-8"},
        )
    response = send_from_directory(dist, "index.html")
    response.headers["Cache-Control"] = "no-cache"
    return response


def register(app: Flask) -> None:
    app.register_blueprint(bp)
