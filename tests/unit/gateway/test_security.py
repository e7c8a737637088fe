"""The gateway's security layers on their own, over a real UserStore and aiohttp's test server: who is asking
(session cookie or API key), CSRF on state changes, sign-in only from this site, admins and password sessions,
the safe headers and CORS of every answer, and a trusted proxy's forwarded scheme and address."""
from __future__ import annotations

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from services.gateway import security
from services.gateway.users import UserStore

PASSWORD = "a long enough password"
ALLOWED = "https://photos.example"  # an origin allowed for CORS
TILES = ("https://tiles.example", "https://b.tiles.example")  # the map's tile servers, allowed to serve images
POLICY = ("default-src 'self'; img-src 'self' data: blob: https://tiles.example https://b.tiles.example; "
          "style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
          "form-action 'self'")


async def who(request: web.Request) -> web.Response:
    session = security.session_of(request)
    return web.json_response({"user": session.user.name if session else None, "remote": request.remote,
                              "scheme": request.scheme})


async def admin_only(request: web.Request) -> web.Response:
    return web.json_response({"user": security.require_admin(request).user.name})


async def password_only(request: web.Request) -> web.Response:
    return web.json_response({"user": security.require_password_session(request, "use your password").user.name})


async def own_policy(request: web.Request) -> web.Response:
    return web.Response(text="sandboxed", headers={"Content-Security-Policy": "sandbox"})


async def missing(request: web.Request) -> web.Response:
    raise web.HTTPNotFound(text="no such thing")


class Site:
    def __init__(self, client: TestClient, users: UserStore):
        self.client, self.users = client, users

    @property
    def origin(self) -> str:
        return f"http://{self.client.host}:{self.client.port}"

    def cookie(self, name: str) -> tuple[dict, str]:
        """Headers carrying a new session of the user, and its CSRF token."""
        token, csrf = self.users.open_session(self.users.get(name), hours=1)
        return {"Cookie": f"{security.SESSION_COOKIE}={token}"}, csrf

    def key(self, name: str, read_only: bool = False) -> dict:
        key = self.users.create_api_key(self.users.get(name), "k", read_only=read_only)["key"]
        return {security.API_KEY_HEADER: key}

    async def call(self, method: str, path: str, headers: dict | None = None) -> tuple[int, dict | str, dict]:
        async with self.client.request(method, path, headers=headers or {}) as response:
            body = await response.json() if response.content_type == "application/json" else await response.text()
            return response.status, body, response.headers


@pytest.fixture(scope="module")
def users(tmp_path_factory):
    """One store for the module (each password hash takes a fifth of a second); each test opens its own sessions."""
    folder = tmp_path_factory.mktemp("users")
    store = UserStore(folder / "users.db")
    store.add("anna", PASSWORD, [str(folder / "anna")])
    store.add("root", PASSWORD, [str(folder)], admin=True)
    yield store
    store.close()


async def site_of(users: UserStore, trusted: list[str]):
    app = web.Application(middlewares=[security.make_forwarded_middleware(trusted),
                                       security.make_headers_middleware([ALLOWED], TILES),
                                       security.make_auth_middleware(users, [ALLOWED])])
    for path in ("/api/who", "/", "/login", "/api/auth/login", "/static/app.js", "/s/token", "/api/shares/public/t",
                 "/statics"):
        app.router.add_route("*", path, who)
    app.router.add_get("/admin", admin_only)  # a public page: require_admin alone guards it
    app.router.add_get("/api/password", password_only)
    app.router.add_get("/api/own-policy", own_policy)
    app.router.add_get("/api/missing", missing)
    return TestClient(TestServer(app))


@pytest.fixture
async def site(users):
    async with await site_of(users, trusted=["127.0.0.1"]) as client:  # the test client comes from 127.0.0.1
        yield Site(client, users)


@pytest.fixture
async def untrusting_site(users):
    async with await site_of(users, trusted=[]) as client:
        yield Site(client, users)


async def test_only_public_pages_answer_without_a_session(site):
    for path in ("/", "/login", "/static/app.js", "/s/token", "/api/shares/public/t"):
        status, body, _ = await site.call("GET", path)
        assert (status, body["user"]) == (200, None), path
    for path in ("/api/who", "/statics"):  # a name that only begins like a public folder is not public
        status, body, _ = await site.call("GET", path)
        assert (status, body) == (401, {"error": "sign in first"}), path
    assert (await site.call("GET", "/api/who", {"Cookie": f"{security.SESSION_COOKIE}=forged"}))[:2] == (
        401, {"error": "sign in first"})
    assert (await site.call("GET", "/", {"Cookie": f"{security.SESSION_COOKIE}=forged"}))[:2] == (
        200, {"user": None, "remote": "127.0.0.1", "scheme": "http"})


async def test_a_session_cookie_changes_state_only_with_its_csrf_token(site):
    headers, csrf = site.cookie("anna")
    _, other_csrf = site.cookie("anna")
    assert (await site.call("GET", "/api/who", headers))[:2] == (200, {"user": "anna", "remote": "127.0.0.1",
                                                                        "scheme": "http"})
    refused = (403, {"error": "missing or wrong CSRF token"})
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        assert (await site.call(method, "/api/who", headers))[:2] == refused
        assert (await site.call(method, "/api/who", {**headers, security.CSRF_HEADER: other_csrf}))[:2] == refused
        status, body, _ = await site.call(method, "/api/who", {**headers, security.CSRF_HEADER: csrf})
        assert (status, body["user"]) == (200, "anna")
    for method in ("HEAD", "OPTIONS"):  # safe methods need no token
        assert (await site.call(method, "/api/who", headers))[0] == 200


async def test_an_api_key_acts_without_csrf_and_a_read_only_key_only_reads(site):
    key, read_only = site.key("anna"), site.key("anna", read_only=True)
    status, body, _ = await site.call("POST", "/api/who", key)
    assert (status, body["user"]) == (200, "anna")
    for method in ("GET", "HEAD", "OPTIONS"):
        assert (await site.call(method, "/api/who", read_only))[0] == 200
    for method in ("POST", "PUT", "DELETE"):
        assert (await site.call(method, "/api/who", read_only))[:2] == (403, {"error": "this API key may only read"})


async def test_a_wrong_key_is_never_passed_over_for_the_cookie_beside_it(site):
    headers, csrf = site.cookie("anna")
    wrong = {**headers, security.CSRF_HEADER: csrf, security.API_KEY_HEADER: "psk_not-a-key"}
    assert (await site.call("GET", "/api/who", wrong))[:2] == (401, {"error": "sign in first"})


async def test_signing_in_needs_no_csrf_token_but_this_site_or_an_allowed_one(site):
    headers, _ = site.cookie("anna")  # signed in already: signing in again needs no token
    for origin in (None, site.origin, f"https://{site.client.host}:{site.client.port}", ALLOWED):
        sent = {**headers, **({"Origin": origin} if origin else {})}
        status, body, _ = await site.call("POST", "/api/auth/login", sent)
        assert (status, body["user"]) == (200, "anna"), origin
    for origin in ("https://evil.example", f"http://{site.client.host}:1", "null"):
        assert (await site.call("POST", "/api/auth/login", {"Origin": origin}))[:2] == (
            403, {"error": "sign in from this site"}), origin
    key = site.key("anna")  # another page of a foreign origin is not refused for its origin (CORS decides)
    status, body, _ = await site.call("POST", "/api/who", {**key, "Origin": "https://evil.example"})
    assert (status, body["user"]) == (200, "anna")


async def test_admin_pages_need_an_admin_signed_in_with_a_password(site):
    only_admins = (403, {"error": "admins only"})
    assert (await site.call("GET", "/admin"))[:2] == only_admins
    assert (await site.call("GET", "/admin", site.cookie("anna")[0]))[:2] == only_admins
    assert (await site.call("GET", "/admin", site.key("anna")))[:2] == only_admins
    assert (await site.call("GET", "/admin", site.cookie("root")[0]))[:2] == (200, {"user": "root"})
    assert (await site.call("GET", "/admin", site.key("root")))[:2] == (
        403, {"error": "admin actions need a signed-in session, not an API key"})


async def test_a_password_session_is_asked_for_with_the_callers_reason(site):
    assert (await site.call("GET", "/api/password", site.cookie("anna")[0]))[:2] == (200, {"user": "anna"})
    assert (await site.call("GET", "/api/password", site.key("anna")))[:2] == (403, {"error": "use your password"})


async def test_every_answer_carries_the_safe_headers(site):
    headers, _ = site.cookie("anna")
    answers = [await site.call("GET", "/api/who", headers), await site.call("GET", "/api/who"),
               await site.call("GET", "/api/missing", headers), await site.call("GET", "/")]
    assert [status for status, _, _ in answers] == [200, 401, 404, 200]
    for _, _, sent in answers:
        assert {name: sent.get(name) for name in ("Content-Security-Policy", "X-Content-Type-Options",
                                                  "Referrer-Policy", "X-Frame-Options", "Server")} == {
            "Content-Security-Policy": POLICY, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
            "X-Frame-Options": "DENY", "Server": "picsift"}
        assert "Strict-Transport-Security" not in sent and "Access-Control-Allow-Origin" not in sent  # plain HTTP
    assert (await site.call("GET", "/api/own-policy", headers))[2]["Content-Security-Policy"] == "sandbox"


async def test_cors_answers_only_an_allowed_origin_and_never_a_wildcard(site):
    headers, _ = site.cookie("anna")
    for path, status in (("/api/who", 200), ("/api/missing", 404)):
        answer = (await site.call("GET", path, {**headers, "Origin": ALLOWED}))
        assert answer[0] == status
        assert {name: answer[2].get(name) for name in ("Access-Control-Allow-Origin",
                                                       "Access-Control-Allow-Credentials", "Vary")} == {
            "Access-Control-Allow-Origin": ALLOWED, "Access-Control-Allow-Credentials": "true", "Vary": "Origin"}
    foreign = (await site.call("GET", "/api/who", {**headers, "Origin": "https://evil.example"}))[2]
    assert not {"Access-Control-Allow-Origin", "Access-Control-Allow-Credentials"} & set(foreign)


async def test_a_trusted_proxy_tells_the_scheme_and_the_address_it_saw(site, untrusting_site):
    cases = [({"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}, "203.0.113.7", "https"),
             ({"X-Forwarded-Proto": " HTTPS ", "X-Forwarded-For": "10.9.9.9, 203.0.113.8 , "}, "203.0.113.8", "https"),
             ({"X-Forwarded-Proto": "http"}, "127.0.0.1", "http"),
             ({"X-Forwarded-Proto": "ftp", "X-Forwarded-For": " , "}, "127.0.0.1", "http")]
    for forwarded, remote, scheme in cases:
        status, body, sent = await site.call("GET", "/", forwarded)
        assert (status, body) == (200, {"user": None, "remote": remote, "scheme": scheme}), forwarded
        assert ("Strict-Transport-Security" in sent) is (scheme == "https")
        if scheme == "https":
            assert sent["Strict-Transport-Security"] == "max-age=31536000"
        ignored = await untrusting_site.call("GET", "/", forwarded)
        assert ignored[:2] == (200, {"user": None, "remote": "127.0.0.1", "scheme": "http"})
        assert "Strict-Transport-Security" not in ignored[2]
