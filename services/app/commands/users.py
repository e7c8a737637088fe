"""`picsift users`: accounts of the gateway and the media roots each may see."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from services.app.output import EXIT_DONE, CommandError, emit, json_option

NO_TERMINAL = "no terminal to ask for the password: give it on standard input with --password-stdin"


@click.group("users")
def users_group() -> None:
    """Manage the gateway's users and the media folders each may see."""


@users_group.command("add")
@click.argument("name")
@click.option("--root", "roots", type=click.Path(path_type=Path), multiple=True,
              help="A media folder she may see (repeatable); relative to where picsift runs.")
@click.option("--admin", is_flag=True, help="She may manage users, rescan and replay dead letters.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@json_option
def add(name: str, roots: tuple[Path, ...], admin: bool, password_stdin: bool, as_json: bool) -> int:
    """Add the user NAME (asks for her password twice on the terminal)."""
    from services.gateway.users import UserError, check_roots

    folders = [str(r.absolute()) for r in roots]  # a folder given from here
    try:
        check_roots(folders)
    except UserError as exc:
        raise CommandError(str(exc)) from None
    password = read_password(password_stdin)
    return change(as_json, "add", name, lambda users: users.add(name, password, folders, admin=admin))


@users_group.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@json_option
def passwd(name: str, password_stdin: bool, as_json: bool) -> int:
    """Set the password of NAME."""
    password = read_password(password_stdin)
    return change(as_json, "passwd", name, lambda users: users.set_password(name, password))


@users_group.command("remove")
@click.argument("name")
@json_option
def remove(name: str, as_json: bool) -> int:
    """Remove the user NAME (her favourites, albums and shares go with her)."""
    return change(as_json, "remove", name, lambda users: users.remove(name))


@users_group.command("list")
@json_option
def list_users(as_json: bool) -> int:
    """List the users, their folders and who is an admin."""
    items = with_users(lambda users: [u.public() for u in users.list()])
    emit(items, as_json, "\n".join(f"{u['name']}{' (admin)' if u['admin'] else ''}: "
                                   f"{', '.join(u['roots'])}" for u in items) or "no users")
    return EXIT_DONE


def change(as_json: bool, action: str, name: str, act) -> int:
    with_users(act)
    emit({"ok": True, "user": name}, as_json, f"{action}: {name}")
    return EXIT_DONE


def with_users(act):
    """Run act on the user store of this data dir; a refusal of the store is the command's error."""
    from services.app.wiring import open_users
    from services.gateway.users import UserError
    from services.pipeline.settings import PipelineSettings

    users = open_users(PipelineSettings())
    try:
        return act(users)
    except UserError as exc:
        raise CommandError(str(exc)) from None
    finally:
        users.close()


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    if not has_terminal():
        raise CommandError(NO_TERMINAL)
    import getpass

    first = getpass.getpass("password: ")
    if first != getpass.getpass("again: "):
        raise CommandError("the passwords differ")
    return first


def has_terminal() -> bool:
    """getpass reads from the controlling terminal; without one it would read (and echo) standard input."""
    try:
        os.close(os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY))
    except OSError:
        return False
    return True


COMMANDS = (users_group,)
