"""Milestones: the Value Management ladder, each step detected from a team's synced data in the
transaction that completes it (or confirmed by its coach where data cannot show it), and told to the
team's coaches and leads through ``server.notifications``."""

from datetime import timedelta

from flask import Flask

CHECK_TEAMS_EVERY = timedelta(minutes=5)


def register(app: Flask) -> None:
    from server.extensions import api
    from server.milestones import detection, routes, slipping
    from server.notifications.delivery import register_periodic

    api.register_blueprint(routes.blp)
    detection.register(app)
    register_periodic(app, CHECK_TEAMS_EVERY, slipping.check_teams)

    @app.cli.command("check-teams")
    def check_teams_command() -> None:
        """Tell coaches and leads of new signals, stale box scores, missed huddles and overdue actions
        (the delivery worker runs this every 5 minutes; each event is told once)."""
        import click

        from server.milestones.slipping import check_teams

        click.echo(f"Told {check_teams()} people of something new.")
