"""Sending one e-mail over SMTP when ``MAIL_SERVER`` is set (standard library only, no extension).

Called after the request's transaction has committed, never inside it: a slow or failing mail server
must not hold a lock or undo what was saved."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger(__name__)


def mail_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def send_mail(*, to: str, subject: str, body: str) -> bool:
    """True when the mail server took the message; False (and a warning logged) when it did not."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT_SECONDS"]) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        log.warning("could not send mail to the mail server (%s): %s", config["MAIL_SERVER"], type(error).__name__)
        return False
    return True
