"""Demo data for trying Valueboard out: realistic boards, teams and people, created idempotently."""

from flask import Flask


def register(app: Flask) -> None:
    """``flask --app server seed-demo``."""
    from server.demo import cli

    cli.register(app)
