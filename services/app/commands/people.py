"""`picsift people`: the people in the photos (list, show, name, merge); the logic lives in services/people."""
from __future__ import annotations

from services.app.commands.library import user_roots
from services.app.output import CommandError, emit
from services.app.wiring import open_store
from services.people.book import PersonError
from services.people.service import open_book, refreshed
from services.pipeline.settings import PipelineSettings

ARITY = {"list": 0, "show": 1, "name": 2, "merge": 2}


def register(command) -> None:
    people = command("people", "people in the photos: list | show ID | name ID NAME | merge ID INTO", cmd_people)
    people.add_argument("action", choices=tuple(ARITY))
    people.add_argument("values", nargs="*", metavar="ARG")
    people.add_argument("--user", help="as this gateway user: her photos, her names (default: the whole library)")


def cmd_people(args) -> int:
    if len(args.values) != ARITY[args.action]:
        raise CommandError(f"people {args.action} takes {ARITY[args.action]} argument(s)")
    settings = PipelineSettings()
    owner, roots = (args.user.strip().lower(), user_roots(args.user, settings)) if args.user else ("", None)
    store, book = open_store(), open_book(settings.data_dir)
    try:
        refreshed(book, store, owner, roots)
        result, text = act(book, args.action, args.values, owner, roots)
    except PersonError as exc:
        raise CommandError(str(exc)) from None
    finally:
        book.close()
        store.close()
    emit(result, args.json, text)
    return 0


def act(book, action: str, values: list[str], owner: str, roots: list[str] | None) -> tuple[dict, str]:
    if action == "list":
        people = book.people(owner, roots)
        return {"people": people}, "\n".join(f"{p['id']:>6}  {p['name'] or '(unnamed)'}: {p['faces']} faces, "
                                             f"{p['photos']} photos" for p in people) or "no people yet"
    ids = [person_id(v) for v in values[:1]] + ([person_id(values[1])] if action == "merge" else [])
    if action == "show":
        shown = book.photos(owner, roots, ids[0])
        return shown, "\n".join([f"{shown['id']}  {shown['name'] or '(unnamed)'}",
                                 *(p["path"] for p in shown["photos"])])
    done = book.name(owner, ids[0], values[1]) if action == "name" else book.merge(owner, ids[0], ids[1])
    return done, f"person {done['id']}: {done['name'] or '(unnamed)'}"


def person_id(value: str) -> int:
    if not value.isdigit():
        raise CommandError(f"a person id is a number, not {value!r}")
    return int(value)
