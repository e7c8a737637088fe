"""`picsift users`: accounts of the gateway and the media roots each may see."""
from __future__ import annotations

import getpass
import sys
from pathlib import Path

from services.app.output import CommandError, emit
from services.app.wiring import open_users
from services.gateway.users import UserError
from services.pipeline.settings import PipelineSettings


def register(command) -> None:
    users = command("users", "manage users", cmd_users)
    users.add_argument("action", choices=("add", "passwd", "list", "remove"))
    users.add_argument("name", nargs="?")
    users.add_argument("--root", type=Path, action="append")
    users.add_argument("--admin", action="store_true")
    users.add_argument("--password-stdin", action="store_true")


def cmd_users(args) -> int:
    settings = PipelineSettings()
    users = open_users(settings)
    try:
        if args.action == "list":
            items = [u.public() for u in users.list()]
            emit(items, args.json, "\n".join(f"{u['name']}{' (admin)' if u['admin'] else ''}: "
                                             f"{', '.join(u['roots'])}" for u in items) or "no users")
            return 0
        if not args.name:
            raise CommandError(f"users {args.action} needs a NAME")
        if args.action == "remove":
            users.remove(args.name)
        elif args.action == "add":
            roots = [str(r.absolute()) for r in args.root or []]  # a folder given from here
            missing = [r for r in roots if not Path(r).is_dir()]
            if missing:
                raise CommandError(f"media root not found: {', '.join(missing)}")
            users.add(args.name, read_password(args), roots, admin=args.admin)
        else:
            users.set_password(args.name, read_password(args))
        emit({"ok": True, "user": args.name}, args.json, f"{args.action}: {args.name}")
        return 0
    except UserError as exc:
        raise CommandError(str(exc)) from None
    finally:
        users.close()


def read_password(args) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("password: ")
    if first != getpass.getpass("again: "):
        raise CommandError("the passwords differ")
    return first
