"""Users, sessions, API keys and share links in SQLite; passwords hashed with argon2id, tokens stored hashed."""
from __future__ import annotations

import hashlib
import json
import os
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from services.pipeline.sqlite import Immediate, use_wal

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
  name TEXT PRIMARY KEY, password_hash TEXT NOT NULL, roots TEXT NOT NULL, admin INTEGER NOT NULL, created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
  token_hash TEXT PRIMARY KEY, user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
  csrf TEXT NOT NULL, expires REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS api_keys (
  key_hash TEXT PRIMARY KEY, user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
  label TEXT NOT NULL, created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS shares (
  token_hash TEXT PRIMARY KEY, user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
  photo_ids TEXT NOT NULL, query TEXT NOT NULL, expires REAL NOT NULL, created REAL NOT NULL
);
"""
ADDED_COLUMNS = {  # added after a table's first version: public ids, an optional expiry, scopes
    "api_keys": {"key_id": "TEXT", "expires": "REAL", "read_only": "INTEGER NOT NULL DEFAULT 0"},
    "shares": {"share_id": "TEXT", "hide_meta": "INTEGER NOT NULL DEFAULT 0"},
    "sessions": {"session_id": "TEXT", "created": "REAL NOT NULL DEFAULT 0"}}
PUBLIC_IDS = {"api_keys": "key_id", "shares": "share_id", "sessions": "session_id"}
NAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._-")
MIN_PASSWORD = 10


class UserError(ValueError):
    """A request about users that cannot be done, said plainly."""


def check_roots(roots: list[str]) -> None:
    """Media folders a user is given must be folders there are (that they are absolute, the store checks)."""
    missing = [root for root in roots if os.path.isabs(root) and not os.path.isdir(root)]
    if missing:
        raise UserError(f"media root not found: {', '.join(missing)}")


@dataclass(frozen=True)
class User:
    name: str
    roots: tuple[str, ...]
    admin: bool

    def public(self) -> dict:
        return {"name": self.name, "roots": list(self.roots), "admin": self.admin}


@dataclass(frozen=True)
class Session:
    user: User
    csrf: str
    via_cookie: bool  # else through an API key
    read_only: bool = False
    id: str = ""  # a browser session's public id (to list and end it)


@dataclass(frozen=True)
class Share:
    user: User
    photo_ids: tuple[str, ...]
    query: str
    expires: float
    hide_meta: bool = False  # no place and no date shown to recipients


def _key_view(row: tuple) -> dict:
    key_id, label, created, expires, read_only = row
    return {"id": key_id, "label": label, "created": created, "expires": expires, "read_only": bool(read_only)}


def _digest(token: str) -> str:
    """A secret's hash; bytes that are not UTF-8 (0xff in a header) hash too (they match nothing we issued)."""
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).hexdigest()


class UserStore:
    """Thread-safe; secrets (session tokens, API keys, share tokens) are only ever stored as hashes."""

    def __init__(self, path: Path | str):
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30)
        self._lock = threading.Lock()
        self._hasher = PasswordHasher()  # argon2id with the library's current parameters
        self._unknown_hash = self._hasher.hash(secrets.token_hex(16))  # what an unknown name's password is checked on
        with self._lock:
            use_wal(self._db)
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.executescript(SCHEMA)
            with Immediate(self._db):  # services starting together add the columns one at a time, once
                for table, columns in ADDED_COLUMNS.items():
                    held = {row[1] for row in self._db.execute(f"PRAGMA table_info({table})")}
                    for column, kind in columns.items():
                        if column not in held:
                            self._db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
                    self._db.execute(f"UPDATE {table} SET {PUBLIC_IDS[table]} = lower(hex(randomblob(8))) "
                                     f"WHERE {PUBLIC_IDS[table]} IS NULL")

    def close(self) -> None:
        self._db.close()

    # -- users ----------------------------------------------------------------------------------

    def add(self, name: str, password: str, roots: list[str], admin: bool = False) -> User:
        name = name.strip().lower()
        if not name or not set(name) <= NAME_CHARS:
            raise UserError("user names use letters, digits, '.', '_' and '-'")
        _check_password(password)
        if not all(isinstance(r, str) and r.strip() and Path(r).is_absolute() for r in roots):
            raise UserError("media roots are absolute folder paths")  # "" would resolve to the server's folder
        clean = sorted({str(Path(r).resolve()) for r in roots})
        if not clean:
            raise UserError("a user needs at least one media root (--root DIR)")
        try:
            with self._lock:
                self._db.execute("INSERT INTO users VALUES (?, ?, ?, ?, ?)",
                                 (name, self._hasher.hash(password), json.dumps(clean), int(admin), time.time()))
        except sqlite3.IntegrityError:
            raise UserError(f"user '{name}' exists already") from None
        return User(name, tuple(clean), admin)

    def get(self, name: str) -> User | None:
        with self._lock:
            row = self._db.execute("SELECT name, roots, admin FROM users WHERE name = ?", (name,)).fetchone()
        return User(row[0], tuple(json.loads(row[1])), bool(row[2])) if row else None

    def list(self) -> list[User]:
        with self._lock:
            rows = self._db.execute("SELECT name, roots, admin FROM users ORDER BY name").fetchall()
        return [User(r[0], tuple(json.loads(r[1])), bool(r[2])) for r in rows]

    def count(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM users").fetchone()[0]

    def set_password(self, name: str, password: str) -> None:
        _check_password(password)
        with self._lock:
            changed = self._db.execute("UPDATE users SET password_hash = ? WHERE name = ?",
                                       (self._hasher.hash(password), name)).rowcount
            self._db.execute("DELETE FROM sessions WHERE user = ?", (name,))
            self._db.execute("DELETE FROM api_keys WHERE user = ?", (name,))  # a new password revokes every key
        if not changed:
            raise UserError(f"no user '{name}'")

    def remove(self, name: str) -> None:
        with self._lock:
            if not self._db.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount:
                raise UserError(f"no user '{name}'")

    def verify(self, name: str, password: str) -> User | None:
        """The user when the password is right; the same work is done for unknown names (no timing oracle)."""
        name = name.strip().lower()
        with self._lock:
            row = self._db.execute("SELECT password_hash FROM users WHERE name = ?", (name,)).fetchone()
        stored = row[0] if row else self._unknown_hash  # one verify either way
        try:
            self._hasher.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        return self.get(name) if row else None

    # -- sessions and keys ----------------------------------------------------------------------

    def open_session(self, user: User, hours: float) -> tuple[str, str]:
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
        with self._lock:
            self._db.execute("DELETE FROM sessions WHERE expires < ?", (time.time(),))
            self._db.execute("INSERT INTO sessions (token_hash, user, csrf, expires, session_id, created) "
                             "VALUES (?, ?, ?, ?, ?, ?)", (_digest(token), user.name, csrf, time.time() + hours * 3600,
                                                           secrets.token_hex(8), time.time()))
        return token, csrf

    def session(self, token: str) -> Session | None:
        """The signed-in user of a session cookie's token (one query: it is asked on every request)."""
        with self._lock:
            row = self._db.execute("SELECT u.name, u.roots, u.admin, s.csrf, s.session_id FROM sessions s JOIN users u "
                                   "ON u.name = s.user WHERE s.token_hash = ? AND s.expires > ?",
                                   (_digest(token), time.time())).fetchone()
        if row is None:
            return None
        return Session(User(row[0], tuple(json.loads(row[1])), bool(row[2])), row[3], True, id=row[4])

    def sessions(self, user: User) -> list[dict]:
        """The user's signed-in browsers (never their tokens)."""
        with self._lock:
            rows = self._db.execute("SELECT session_id, created, expires FROM sessions WHERE user = ? AND expires > ? "
                                    "ORDER BY created", (user.name, time.time())).fetchall()
        return [{"id": r[0], "created": r[1], "expires": r[2]} for r in rows]

    def end_session(self, user: User, session_id: str) -> None:
        with self._lock:
            if not self._db.execute("DELETE FROM sessions WHERE user = ? AND session_id = ?",
                                    (user.name, session_id)).rowcount:
                raise UserError("no such session")

    def close_session(self, token: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM sessions WHERE token_hash = ?", (_digest(token),))

    def create_api_key(self, user: User, label: str, days: float | None = None, read_only: bool = False) -> dict:
        """A new key (shown once) and its public description; `days`: it expires then."""
        key, key_id, now = "psk_" + secrets.token_urlsafe(32), secrets.token_hex(8), time.time()
        expires = now + days * 86400 if days else None
        with self._lock:
            self._db.execute("INSERT INTO api_keys (key_hash, user, label, created, key_id, expires, read_only) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?)", (_digest(key), user.name, label, now, key_id, expires,
                                                              int(read_only)))
        return {"key": key, **_key_view((key_id, label, now, expires, int(read_only)))}

    def api_keys(self, user: User) -> list[dict]:
        with self._lock:
            rows = self._db.execute("SELECT key_id, label, created, expires, read_only FROM api_keys WHERE user = ? "
                                    "ORDER BY created", (user.name,)).fetchall()
        return [_key_view(row) for row in rows]

    def revoke_api_key(self, user: User, key_id: str) -> None:
        with self._lock:
            if not self._db.execute("DELETE FROM api_keys WHERE user = ? AND key_id = ?", (user.name, key_id)).rowcount:
                raise UserError("no such key")

    def api_key(self, key: str) -> Session | None:
        with self._lock:
            row = self._db.execute("SELECT user, read_only FROM api_keys WHERE key_hash = ? AND "
                                   "(expires IS NULL OR expires > ?)", (_digest(key), time.time())).fetchone()
        user = self.get(row[0]) if row else None
        return Session(user, "", False, bool(row[1])) if user else None

    # -- shares ---------------------------------------------------------------------------------

    def create_share(self, user: User, photo_ids: list[str], query: str, hours: float,
                     hide_meta: bool = False) -> dict:
        token, share_id, now = secrets.token_urlsafe(24), secrets.token_hex(8), time.time()
        with self._lock:
            self._db.execute("INSERT INTO shares (token_hash, user, photo_ids, query, expires, created, share_id, "
                             "hide_meta) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                             (_digest(token), user.name, json.dumps(photo_ids), query, now + hours * 3600, now,
                              share_id, int(hide_meta)))
        return {"token": token, "id": share_id}

    def shares(self, user: User) -> list[dict]:
        """The user's shares that have not expired (their links are not kept: only their hashes are)."""
        with self._lock:
            rows = self._db.execute("SELECT share_id, photo_ids, query, expires, created, hide_meta FROM shares "
                                    "WHERE user = ? AND expires > ? ORDER BY created", (user.name, time.time()))
            return [{"id": r[0], "photos": len(json.loads(r[1])), "query": r[2], "expires": r[3], "created": r[4],
                     "hide_meta": bool(r[5])} for r in rows.fetchall()]

    def revoke_share(self, user: User, share_id: str) -> None:
        with self._lock:
            if not self._db.execute("DELETE FROM shares WHERE user = ? AND share_id = ?", (user.name, share_id)).rowcount:
                raise UserError("no such share")

    def share(self, token: str) -> Share | None:
        with self._lock:
            row = self._db.execute("SELECT user, photo_ids, query, expires, hide_meta FROM shares WHERE token_hash = ?",
                                   (_digest(token),)).fetchone()
        if row is None or row[3] <= time.time():
            return None
        user = self.get(row[0])
        return Share(user, tuple(json.loads(row[1])), row[2], row[3], bool(row[4])) if user else None


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"passwords need at least {MIN_PASSWORD} characters")
