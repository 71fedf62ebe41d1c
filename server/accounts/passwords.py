"""Password hashing with argon2id (parameters come from config so tests can use cheap ones), and the
rule every new password must pass (:func:`password_problems`).

``common-passwords.txt`` is the 10,000 most common passwords, most common first: the first 10,000
entries of the ``passwords`` list in the ``zxcvbn`` package on PyPI (4.5.0, MIT; Dropbox's zxcvbn
ranks them from Mark Burnett's / Xato's 10 million leaked passwords, the source of SecLists'
``10k-most-common.txt``). Shipped in the repository: nothing is downloaded at run time.
"""

from __future__ import annotations

import functools
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app


def _hasher() -> PasswordHasher:
    return PasswordHasher(
        time_cost=current_app.config["ARGON2_TIME_COST"], memory_cost=current_app.config["ARGON2_MEMORY_KIB"]
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def burn_verification_time(password: str) -> None:
    """Spend as long as a real check, so response time does not reveal whether an email exists."""
    verify_password(_dummy_hash(), password)


_DUMMY: dict[tuple[int, int], str] = {}


def _dummy_hash() -> str:
    key = (current_app.config["ARGON2_TIME_COST"], current_app.config["ARGON2_MEMORY_KIB"])
    if key not in _DUMMY:
        _DUMMY[key] = hash_password("not-a-real-password")
    return _DUMMY[key]


MIN_LENGTH = 12
COMMON_PASSWORDS = Path(__file__).with_name("common-passwords.txt")
# A name or an email's local part shorter than this is too common a string to forbid inside a password.
MIN_PERSONAL_PART = 4


@functools.cache
def _common() -> frozenset[str]:
    return frozenset(line.strip().lower() for line in COMMON_PASSWORDS.read_text().splitlines() if line.strip())


def _squashed(text: str) -> str:
    return "".join(text.lower().split())


def password_problems(password: str, *, email: str = "", name: str = "") -> list[str]:
    """What is wrong with ``password`` as a new password, in the words a person reads (empty: it is fine).

    At least 12 characters not counting spaces at either end; not one character repeated; not one of
    the 10,000 most common passwords (ignoring case); not the person's email address or name, nor
    containing the email's local part or the name (ignoring case and spaces) when that has at least
    4 characters."""
    problems = []
    core = password.strip()
    if len(core) < MIN_LENGTH:
        problems.append(f"Use at least {MIN_LENGTH} characters (spaces at the start or end do not count).")
    elif len(set(core)) == 1:
        problems.append("Use more than one character repeated.")
    if core.lower() in _common() or _squashed(core) in _common():
        problems.append("That is one of the 10,000 most common passwords: choose one that is harder to guess.")
    squashed = _squashed(password)
    email = email.strip().lower()
    local = email.partition("@")[0]
    if email and (email in password.lower() or (len(local) >= MIN_PERSONAL_PART and local in squashed)):
        problems.append("Do not use your email address in your password.")
    person = _squashed(name)
    if person and (squashed == person or (len(person) >= MIN_PERSONAL_PART and person in squashed)):
        problems.append("Do not use your name in your password.")
    return problems
