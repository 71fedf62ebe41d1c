"""The weekly rota of a team's Value Management tasks (update the box score, update the board, run
the huddle): who takes each turn week by week, and a reminder to the person on for a task not done
by the team's chosen day and time (checked by the delivery worker, or ``flask remind-rota``)."""

from datetime import timedelta

from flask import Flask

REMIND_EVERY = timedelta(minutes=5)


def register(app: Flask) -> None:
    from server.extensions import api
    from server.notifications.delivery import register_periodic
    from server.rota import reminders, routes

    api.register_blueprint(routes.blp)
    register_periodic(app, REMIND_EVERY, reminders.remind_all)

    @app.cli.command("remind-rota")
    def remind_rota_command() -> None:
        """Remind the people on the rota of this week's tasks not yet done, once the team's reminder
        day and time have come (the delivery worker runs this every 5 minutes; each is told once)."""
        import click

        told = reminders.remind_all()
        click.echo(f"Reminded {told} {'person' if told == 1 else 'people'} of their turn on the rota.")
