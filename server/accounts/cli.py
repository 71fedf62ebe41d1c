import click
from flask import Flask

from server.core.errors import ApiError
from server.extensions import db


def register(app: Flask) -> None:
    @app.cli.command("create-admin")
    @click.option("--email", required=True, help="The administrator's email address.")
    @click.option("--name", required=True, help="The administrator's full name.")
    @click.option("--password", help="At least 8 characters; asked for when left out.")
    def create_admin(email: str, name: str, password: str | None) -> None:
        """Create an administrator account."""
        from server.accounts.operations import create_user
        from server.accounts.schemas import UserCreateSchema

        if password is None:
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        errors = UserCreateSchema().validate({"email": email, "name": name, "password": password, "role": "admin"})
        if errors:
            problems = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in errors.items())
            raise click.ClickException(f"Cannot create the admin: {problems}")
        try:
            user = create_user(email=email, name=name, password=password, role="admin")
        except ApiError as error:
            raise click.ClickException(error.message) from None
        db.session.commit()
        click.echo(f"Created admin {user.email} ({user.id}).")
