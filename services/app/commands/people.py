"""`picsift people`: the people in the photos (list, show, name, merge); the logic lives in services/people."""
from __future__ import annotations

import click

from services.app.commands.library import USER_HELP, user_roots
from services.app.output import EXIT_DONE, CommandError, emit, json_option

user_option = click.option("--user", help=USER_HELP + " Names are hers.")


@click.group("people", short_help="People in the photos, named by you.")
def people_group() -> None:
    """People in the photos, named by you: list | show ID | name ID NAME | merge ID INTO."""


@people_group.command("list")
@user_option
@json_option
def list_people(user: str | None, as_json: bool) -> int:
    """The people, biggest first: id, name, faces, photos."""
    def act(book, owner, roots):
        people = book.people(owner, roots)
        return {"people": people}, "\n".join(f"{p['id']:>6}  {p['name'] or '(unnamed)'}: {p['faces']} faces, "
                                             f"{p['photos']} photos" for p in people) or "no people yet"
    return with_book(user, as_json, act)


@people_group.command("show")
@click.argument("person", type=int, metavar="ID")
@user_option
@json_option
def show(person: int, user: str | None, as_json: bool) -> int:
    """The photos of the person ID, with the face in each."""
    def act(book, owner, roots):
        shown = book.photos(owner, roots, person)
        return shown, "\n".join([f"{shown['id']}  {shown['name'] or '(unnamed)'}", *(p["path"] for p in shown["photos"])])
    return with_book(user, as_json, act)


@people_group.command("name")
@click.argument("person", type=int, metavar="ID")
@click.argument("name")
@user_option
@json_option
def name(person: int, name: str, user: str | None, as_json: bool) -> int:
    """Call the person ID NAME (a name already in use merges the two)."""
    return with_book(user, as_json, lambda book, owner, roots: named(book.name(owner, person, name)))


@people_group.command("merge")
@click.argument("person", type=int, metavar="ID")
@click.argument("into", type=int, metavar="INTO")
@user_option
@json_option
def merge(person: int, into: int, user: str | None, as_json: bool) -> int:
    """Merge the person ID into the person INTO."""
    return with_book(user, as_json, lambda book, owner, roots: named(book.merge(owner, person, into)))


def named(done: dict) -> tuple[dict, str]:
    return done, f"person {done['id']}: {done['name'] or '(unnamed)'}"


def with_book(user: str | None, as_json: bool, act) -> int:
    """Run act(book, owner, roots) on the people book brought up to date with the store, and print its answer."""
    from services.app.wiring import open_store
    from services.people.book import PersonError
    from services.people.service import open_book, refreshed
    from services.pipeline.settings import PipelineSettings

    settings = PipelineSettings()
    owner, roots = (user.strip().lower(), user_roots(user, settings)) if user else ("", None)
    store, book = open_store(), open_book(settings.data_dir)
    try:
        refreshed(book, store, owner, roots)
        result, text = act(book, owner, roots)
    except PersonError as exc:
        raise CommandError(str(exc)) from None
    finally:
        book.close()
        store.close()
    emit(result, as_json, text)
    return EXIT_DONE


COMMANDS = (people_group,)
