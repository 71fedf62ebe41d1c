"""The delivery worker's command (``flask --app server push-worker``, the Procfile's ``worker``)."""

import click
from flask import Flask


def register(app: Flask) -> None:
    @app.cli.command("push-worker")
    @click.option("--once", is_flag=True, help="Deliver what is due now, then exit.")
    def push_worker(once: bool) -> None:
        """Send queued Web Push notifications to the push services, retrying until their TTL runs out."""
        from server.notifications.delivery import run_worker

        run_worker(once=once)
