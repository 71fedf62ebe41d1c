"""Security headers on every response, so a browser holds the app to what it actually does.

The PWA is one origin with no inline script or style and nothing from elsewhere (its build emits
files only), so the Content-Security-Policy can allow ``'self'`` alone: injected markup could neither
run script nor load anything, and no other site may frame the app (clickjacking). API answers are
never stored by browsers or proxies (they hold names and a team's figures). HSTS is sent only over
HTTPS (behind a proxy, ``TRUSTED_PROXIES`` lets the app see the original scheme), as browsers ignore
it on plain HTTP and a development server must stay reachable.
"""

from __future__ import annotations

from flask import Flask, Response, request

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "font-src 'self'",
    "connect-src 'self'",
    "manifest-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))

ALWAYS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers older than CSP level 2
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}
HSTS = "max-age=31536000; includeSubDomains"


def add_security_headers(response: Response) -> Response:
    for name, value in ALWAYS.items():
        response.headers.setdefault(name, value)
    if request.path.startswith("/api/"):
        response.headers["Cache-Control"] = "no-store"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = HSTS
    return response


def register(app: Flask) -> None:
    app.after_request(add_security_headers)
