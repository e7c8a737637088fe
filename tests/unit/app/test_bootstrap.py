"""The first admin from a secret file (compose), or generated; a missing or short file is a clear error."""
from pathlib import Path

import pytest

from fixtures.gateway import PASSWORD
from services.app.bootstrap import admin_password, first_admin
from services.app.output import CommandError
from services.gateway.users import UserStore


@pytest.fixture
def users(tmp_path):
    store = UserStore(tmp_path / "users.db")
    yield store
    store.close()


def test_the_secret_file_sets_the_first_admins_password_and_it_is_never_printed(tmp_path, monkeypatch, users):
    secret = tmp_path / "admin_password"
    secret.write_text(PASSWORD + "\n")
    monkeypatch.setenv("PICSIFT_ADMIN_PASSWORD_FILE", str(secret))
    line = first_admin(users, [tmp_path / "media"], admin_password())
    assert PASSWORD not in line
    assert users.verify("admin", PASSWORD).admin
    assert first_admin(users, [tmp_path / "media"], admin_password()) is None  # once only


def test_without_a_file_a_one_time_password_is_generated_and_told(tmp_path, monkeypatch, users):
    monkeypatch.delenv("PICSIFT_ADMIN_PASSWORD_FILE", raising=False)
    line = first_admin(users, [tmp_path], admin_password())
    assert users.verify("admin", line.split("one-time password ")[1].split()[0])


@pytest.mark.parametrize("content", [None, "short"])
def test_a_missing_or_short_secret_file_names_the_variable(tmp_path, monkeypatch, content):
    secret = tmp_path / "admin_password"
    if content is not None:
        secret.write_text(content)
    monkeypatch.setenv("PICSIFT_ADMIN_PASSWORD_FILE", str(secret))
    with pytest.raises(CommandError, match="PICSIFT_ADMIN_PASSWORD_FILE="):
        admin_password()


def test_a_relative_media_folder_becomes_absolute_and_no_folder_makes_no_admin(tmp_path, monkeypatch, users):
    monkeypatch.chdir(tmp_path)
    assert "no users yet" in first_admin(users, [], None) and users.count() == 0
    assert "one-time password" in first_admin(users, [Path("media")], None)
    assert users.get("admin").roots == (str(tmp_path / "media"),)
