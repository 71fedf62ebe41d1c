import click
from flask import Flask, current_app

from server.demo import data


def register(app: Flask) -> None:
    @app.cli.command("seed-demo")
    def seed_demo() -> None:
        """Create (or top up) the demo boards, teams and people; safe to run again."""
        from server.demo.seed import seed

        if current_app.config["VALUEBOARD_ENV"] == "production":
            # Its people share a password printed below and in the README: anyone could sign in as admin.
            raise click.ClickException("seed-demo refuses to run when VALUEBOARD_ENV=production: the demo people's "
                                       "password is published. Invite real people from /admin instead.")

        created = seed()
        click.echo(f"Demo data ready ({created} new records).")
        click.echo(f"Demo sign-ins (password for all: {data.DEMO_PASSWORD}):")
        click.echo(f"  admin  {data.ADMIN[1]}")
        click.echo(f"  coach  {data.COACHES[0][1]}")
        click.echo(f"  lead   {data.STAFF[0][1]}@valueboard.demo  ({data.STAFF[0][2]})")
        click.echo(f"  staff  {data.STAFF[1][1]}@valueboard.demo  ({data.STAFF[1][2]})")
