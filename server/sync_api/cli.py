import click
from flask import Flask


def register(app: Flask) -> None:
    @app.cli.command("sync-purge")
    def sync_purge() -> None:
        """Delete tombstones and sync log rows older than the retention period (run it daily)."""
        from server.sync_api.registry import sync_setup

        result = sync_setup().engine.purge()
        horizons = ", ".join(f"{team}→{version}" for team, version in sorted(result["horizons"].items())) or "none"
        click.echo(f"Purged sync history before {result['cutoff']}: {result['log_rows']} log rows; "
                   f"team horizons raised: {horizons}.")
