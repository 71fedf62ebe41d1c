from flask import request
from flask_smorest import Blueprint
from werkzeug.exceptions import RequestEntityTooLarge

from server.accounts import operations as accounts
from server.accounts.auth import current_session
from server.accounts.schemas import LoginResponseSchema
from server.core.auth import public
from server.core.errors import ApiError, ErrorSchema
from server.extensions import db
from server.invitations import imports, operations
from server.invitations.schemas import (
    PeopleImportQuerySchema,
    PeopleImportResultSchema,
    InvitationAcceptSchema,
    InvitationCreatedSchema,
    InvitationCreateSchema,
    InvitationSchema,
    PasswordResetResultSchema,
    PasswordResetSchema,
)
from server.organisations.access import access_for, require, require_admin

blp = Blueprint("invitations", __name__, url_prefix="/api",
                description="Invitations and password resets: single-use links to choose a password")


def _created(token, invitation):
    url = operations.link(token)
    emailed = operations.email_link(invitation.user, url, invitation)
    return {"id": invitation.id, "url": url, "expires_at": invitation.expires_at, "emailed": emailed}


@blp.post("/invitations")
@blp.arguments(InvitationCreateSchema)
@blp.response(201, InvitationCreatedSchema)
def create_invitation(data):
    """Invite a person (an admin anyone; a board lead staff and coaches into a team of their board): they
    get a link, valid once for 7 days, to choose their password. E-mailed when a mail server is set up."""
    token, invitation = operations.invite(access_for(current_session().user), **data)
    db.session.commit()
    return _created(token, invitation)  # mail after the commit: a slow mail server holds no lock


@blp.get("/invitations/<token>")
@blp.response(200, InvitationSchema)
@blp.alt_response(410, schema=ErrorSchema, description="Used, replaced or expired")
@public
def get_invitation(token):
    """Who the link is for (the page that accepts it shows this)."""
    return operations.describe(token)


@blp.post("/invitations/<token>/accept")
@blp.arguments(InvitationAcceptSchema)
@blp.response(200, LoginResponseSchema)
@blp.alt_response(410, schema=ErrorSchema, description="Used, replaced or expired")
@public
def accept_invitation(data, token):
    """Choose the password and sign in on this device: the answer is a sign-in like ``/auth/login``'s."""
    answer = operations.accept(token, password=data["password"], device_name=data["device_name"],
                                device_key=data.get("device_key"))
    db.session.commit()
    return answer


@blp.post("/users/<user_id>/password-reset")
@blp.arguments(PasswordResetSchema)
@blp.response(200, PasswordResetResultSchema)
def reset_password(data, user_id):
    """An administrator resets a person's password: with ``one_time_password``, that password, to be
    changed at their next sign-in; without, a link like an invitation's for them to choose one."""
    require_admin(current_session().user, "Only an administrator can reset passwords.")
    user = accounts.user_or_404(user_id)
    issued = operations.reset_password(user, data.get("one_time_password"))
    db.session.commit()
    if issued is None:
        return {"invitation": None, "must_change_password": True}
    return {"invitation": _created(*issued), "must_change_password": False}


_CSV_BODY = {"required": True, "content": {
    "text/csv": {"schema": {"type": "string", "format": "binary"}},
    "multipart/form-data": {"schema": {"type": "object", "properties": {
        "file": {"type": "string", "format": "binary"}}, "required": ["file"]}}}}


def _import_file() -> bytes:
    """The CSV: the body itself (text/csv) or the multipart field ``file``; 413 beyond 1 MB, before reading."""
    if request.content_length is not None and request.content_length > imports.MAX_BYTES:
        raise imports.too_large("The file is larger than 1 MB: split it into smaller files.", 413)
    try:
        if request.mimetype == "multipart/form-data":
            upload = request.files.get("file")
            if upload is None:
                raise ApiError(422, "validation_error", "Send the CSV file in the field “file”.",
                               fields={"file": ["Send the CSV file in this field."]})
            return upload.read(imports.MAX_BYTES + 1)
        return request.get_data(cache=False)
    except RequestEntityTooLarge:
        raise imports.too_large("The file is larger than 1 MB: split it into smaller files.", 413) from None


@blp.post("/people-imports")
@blp.arguments(PeopleImportQuerySchema, location="query")
@blp.response(200, PeopleImportResultSchema, description="The preview: nothing written")
@blp.alt_response(201, schema=PeopleImportResultSchema, description="Committed: every row written")
@blp.alt_response(413, schema=ErrorSchema, description="import_too_large: the file is over 1 MB")
@blp.alt_response(422, schema=ErrorSchema, description="import_has_errors (with the rows), import_too_large "
                                                       "(over 2,000 rows, or a line of over 20 columns) or "
                                                       "import_unreadable")
@blp.doc(requestBody=_CSV_BODY)
def import_people(args):
    """Add people from a CSV file with a header row naming the columns ``name, email, role, team, team
    role`` (any case, any order; team and team role may be left out). ``role``: staff, coach, board_lead
    or admin; ``team``: the name (any case) or id of a team the caller manages; ``team role``: member
    (the default) or lead. A new person is invited (their link, as ``POST /api/invitations`` gives it); a
    person who already has an account (matched by email) only gets the membership. Without ``commit`` a
    preview; with ``commit=true`` every row is written, or none if any row has an error (422
    ``import_has_errors``, with the rows). Admins, and board leads (staff, into their board's teams)."""
    access = access_for(current_session().user)
    require(access.can_import_people(), "Only an administrator or a board lead can import people.")
    rows = imports.check(access, imports.read_rows(_import_file()))
    summary = imports.summary(rows)
    if not args["commit"]:
        return {"rows": [r.answer() for r in rows], "summary": summary}
    if summary["errors"]:
        db.session.rollback()
        raise ApiError(422, "import_has_errors",
                       f"{summary['errors']} of the {summary['rows']} rows have errors: nothing was imported. "
                       "Correct them and import the file again.",
                       extra={"rows": [r.answer() for r in rows], "summary": summary})
    issued = imports.commit(access, rows)
    db.session.commit()
    for row, token, invitation in issued:  # links (and e-mails) after the commit: a slow mail server holds no lock
        row.invitation = _created(token, invitation)
    return {"rows": [r.answer() for r in rows], "summary": summary}, 201
