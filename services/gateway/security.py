"""Who is asking and may they: sessions or API keys, CSRF on state changes, login throttling, safe headers."""
from __future__ import annotations


import hmac
import time
from collections import deque
from urllib.parse import urlsplit

from aiohttp import web

from services.gateway.users import Session, UserStore
from services.gateway.validation import error
from services.gateway.resources import quick_read

SESSION_COOKIE = "picsift_session"
CSRF_HEADER = "X-CSRF-Token"
API_KEY_HEADER = "X-API-Key"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
PUBLIC_PATHS = {"/", "/login", "/admin", "/map", "/albums", "/people", "/api/auth/login", "/api/openapi.json",
                "/favicon.ico"}
PUBLIC_PREFIXES = ("/static/", "/s/", "/api/shares/public/")
CSP = ("default-src 'self'; img-src 'self' data: blob:{images}; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")

SESSION = web.RequestKey("session", object)


class LoginThrottle:
    """Growing pauses after failed logins, never a lock-out: past `attempts` failures of one name from one address,
    and past SPRAY_FACTOR times as many from one address over any names (trying many names), each further failure
    doubles the pause before the next try, up to MAX_PAUSE seconds. Failures older than the window are forgotten;
    a success clears its name's failures from that address. Another address is never paused by these."""

    SPRAY_FACTOR = 4
    MAX_PAUSE = 300.0
    MAX_TRACKED = 100_000  # (name, address) pairs remembered at most: the oldest are dropped first

    def __init__(self, attempts: int, window_seconds: float):
        self.attempts, self.window = attempts, window_seconds
        self._by_pair: dict[tuple[str, str], deque[float]] = {}
        self._by_address: dict[str, deque[float]] = {}

    def blocked(self, name: str, address: str) -> float:
        """Seconds to wait, 0 when a try is allowed."""
        now = time.monotonic()
        return max(self._pause(self._by_pair, (name, address), self.attempts, now),
                   self._pause(self._by_address, address, self.attempts * self.SPRAY_FACTOR, now))

    def failed(self, name: str, address: str) -> None:
        now = time.monotonic()
        for table, key in ((self._by_pair, (name, address)), (self._by_address, address)):
            table.setdefault(key, deque()).append(now)
            if len(table) > self.MAX_TRACKED:
                del table[next(iter(table))]

    def succeeded(self, name: str, address: str) -> None:
        self._by_pair.pop((name, address), None)

    def _pause(self, table: dict, key, free: int, now: float) -> float:
        failures = table.get(key)
        if failures is None:
            return 0.0
        while failures and failures[0] < now - self.window:
            failures.popleft()
        if not failures:
            del table[key]
            return 0.0
        if len(failures) < free:
            return 0.0
        pause = min(self.MAX_PAUSE, 2.0 ** (len(failures) - free))
        return max(0.0, failures[-1] + pause - now)


def session_of(request: web.Request) -> Session | None:
    return request.get(SESSION)


def same_origin(request: web.Request, allowed_origins: list[str]) -> bool:
    """No Origin (a script, the CLI), this site's own host (by host: a TLS proxy in front changes the scheme), or
    one allowed for CORS."""
    origin = request.headers.get("Origin")
    return origin is None or origin in allowed_origins or urlsplit(origin).netloc == request.host


def make_auth_middleware(users: UserStore, allowed_origins: list[str] = ()):
    @web.middleware
    async def auth(request: web.Request, handler):
        session = None
        key = request.headers.get(API_KEY_HEADER)
        if key:
            session = await quick_read(request, users.api_key, key)
        elif (token := request.cookies.get(SESSION_COOKIE)) is not None:
            session = await quick_read(request, users.session, token)
        request[SESSION] = session
        public = request.path in PUBLIC_PATHS or request.path.startswith(PUBLIC_PREFIXES)
        if session is None and not public:
            raise error(web.HTTPUnauthorized, "sign in first")
        if session is not None and session.read_only and request.method not in SAFE_METHODS:
            raise error(web.HTTPForbidden, "this API key may only read")
        if session is not None and session.via_cookie and request.method not in SAFE_METHODS:
            sent = request.headers.get(CSRF_HEADER, "")
            same = hmac.compare_digest(sent.encode("utf-8", "surrogateescape"), session.csrf.encode())
            if not same and request.path != "/api/auth/login":  # a non-ASCII token is just a wrong one
                raise error(web.HTTPForbidden, "missing or wrong CSRF token")
        if request.path == "/api/auth/login" and not same_origin(request, allowed_origins):
            raise error(web.HTTPForbidden, "sign in from this site")  # a cross-site form signing a victim in
        return await handler(request)

    return auth


def make_forwarded_middleware(trusted_proxies: list[str]):
    """Behind a trusted reverse proxy: the scheme and client address it saw (X-Forwarded-Proto, the last
    X-Forwarded-For entry, the one it added). Anyone else's forwarded headers are ignored."""
    trusted = set(trusted_proxies)

    @web.middleware
    async def forwarded(request: web.Request, handler):
        if request.remote in trusted:
            changes = {}
            if (proto := request.headers.get("X-Forwarded-Proto", "").strip().lower()) in ("http", "https"):
                changes["scheme"] = proto
            if chain := [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",") if a.strip()]:
                changes["remote"] = chain[-1]
            request = request.clone(**changes) if changes else request
        return await handler(request)

    return forwarded


def make_headers_middleware(allowed_origins: list[str], image_origins: tuple[str, ...] = ()):
    """Safe headers on every answer; the CSP lets images come from this site and image_origins (the map's tiles)."""
    policy = CSP.format(images="".join(f" {origin}" for origin in image_origins))

    @web.middleware
    async def headers(request: web.Request, handler):
        origin = request.headers.get("Origin")
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            response = exc
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers["Server"] = "picsift"  # not the Python and aiohttp versions
        if request.secure:  # browsers that came over HTTPS keep to it
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        if origin and origin in allowed_origins:  # never a wildcard
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Allow-Credentials"] = "true"
            response.headers["Vary"] = "Origin"
        if isinstance(response, web.HTTPException):
            raise response
        return response

    return headers


def require_password_session(request: web.Request, why: str) -> Session:
    """A session signed in with a password, not an API key (a leaked key must not make keys, change the password
    or act as an admin); `why` is the refusal users read."""
    session = session_of(request)
    if not session.via_cookie:
        raise error(web.HTTPForbidden, why)
    return session


def require_admin(request: web.Request) -> Session:
    session = session_of(request)
    if session is None or not session.user.admin:
        raise error(web.HTTPForbidden, "admins only")
    return require_password_session(request, "admin actions need a signed-in session, not an API key")
