"""Options shared by Alembic's env.py and the test that proves migrations match the models."""

from server.core.models import UTCDateTime


def render_item(type_, obj, autogen_context):
    # Migrations stay independent of model code: our UTC wrapper is stored as a plain DateTime.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime()"
    return False


def compare_options() -> dict:
    return {"compare_type": True, "render_as_batch": True, "render_item": render_item}
