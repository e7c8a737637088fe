"""The first admin of a library with no users: created only once the gallery listens, so a start that fails
before (port in use, bad host) leaves no user behind and the next start creates and prints one again."""
from __future__ import annotations

import secrets
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.app.output import CommandError
from services.gateway.users import MIN_PASSWORD, UserError


class BootstrapSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PICSIFT_", extra="ignore")

    admin_password_file: Path | None = Field(
        None, description="the first admin's password, read from this file (a Docker secret) instead of generated")


def admin_password() -> str | None:
    """The configured first password, or None to generate a one-time one; an unreadable or empty file is an error."""
    path = BootstrapSettings().admin_password_file
    if path is None:
        return None
    try:
        password = path.read_text().strip()
    except OSError as exc:
        raise CommandError(f"PICSIFT_ADMIN_PASSWORD_FILE={path}: {exc.strerror}") from None
    if len(password) < MIN_PASSWORD:
        raise CommandError(f"PICSIFT_ADMIN_PASSWORD_FILE={path}: the password must be at least {MIN_PASSWORD} "
                           "characters")
    return password


def first_admin(users, roots: list[Path], password: str | None) -> str | None:
    """With no users, an `admin` owning the roots; returns the line to print (the one-time password, or not)."""
    if users.count():
        return None
    if not roots:
        return "no users yet: add one with `picsift users add NAME --root DIR --admin`"
    folders = [str(Path(r).absolute()) for r in roots]  # a media folder given relative to where picsift runs
    given = password is not None
    password = password if given else secrets.token_urlsafe(12)
    try:
        users.add("admin", password, folders, admin=True)
    except UserError as exc:
        raise CommandError(f"cannot create the first admin: {exc}") from None
    if given:
        return "created user 'admin' with the password of PICSIFT_ADMIN_PASSWORD_FILE"
    return f"created user 'admin' with the one-time password {password} (change it: picsift users passwd admin)"
