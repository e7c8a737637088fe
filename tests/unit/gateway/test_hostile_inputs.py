"""Inputs from the security review that once gave HTTP 500: each is a 4xx with a JSON error, or a plain answer."""
from __future__ import annotations

import pytest

SIGNED_IN = [
    "/api/photos?limit=%C2%B2",  # a superscript two is a digit to str.isdigit
    "/api/search?q=cat&limit=%D9%A3",  # an Arabic-Indic three
    "/api/search?q=cat&limit=99999999999999999999999",
    "/api/photos?cursor=%FF%FE",
    "/api/search?q=cat&cursor=eyJvIjogMWUzMDB9",  # {"o": 1e300}
    "/api/search?q=near:%00",
    '/api/search?q=%22',
    "/api/search?q=near:miami%2099999999999999999999km",  # further than half the way round the Earth
]
ANSWERED = [  # odd but meaningful queries: an answer, not an error
    "/api/search?q=faces:99999999999999999999",
    "/api/search?q=" + "not%20" * 100 + "cat",
    "/api/search?q=" + "(" * 50 + "cat" + ")" * 50,
    "/api/search?q=year:99999999999999999999",
    "/api/suggest?q=%00",
]
BODIES = [
    ("[" * 30_000 + "]" * 30_000, "application/json", 400),  # nesting past the parser's recursion limit
    ("[" * 100_000 + "]" * 100_000, "application/json", 413),  # and past the body limit
    ("{}", "application/json; charset=no-such-charset", 400),
    ("\xff\xfe", "application/json", 400),
    ("[1, 2]", "application/json", 400),
    ('{"username": {"a": ' * 3_000 + "1" + "}" * 3_001, "application/json", 400),  # deep inside a field
]


@pytest.mark.parametrize("url", SIGNED_IN)
async def test_bad_parameters_are_400_with_a_json_error(world, sign_in, url):
    await sign_in(world.client, "alice")
    response = await world.client.get(url)
    assert response.status == 400
    assert set(await response.json()) == {"error"}


@pytest.mark.parametrize("url", ANSWERED)
async def test_odd_queries_are_answered(world, sign_in, url):
    await sign_in(world.client, "alice")
    response = await world.client.get(url)
    assert response.status == 200 and "hits" in await response.json() or "items" in await response.json()


@pytest.mark.parametrize("body,content_type,code", BODIES)
async def test_bad_login_bodies_are_4xx_without_signing_in(world, body, content_type, code):
    response = await world.client.post("/api/auth/login", data=body.encode("utf-8", "surrogateescape"),
                                       headers={"Content-Type": content_type})
    assert response.status == code
    assert set(await response.json()) == {"error"}


async def raw_request(world, head: bytes) -> tuple[int, bytes]:
    """A request written byte for byte (a client library would refuse or re-encode odd header bytes)."""
    import asyncio

    reader, writer = await asyncio.open_connection(world.client.host, world.client.port)
    writer.write(head + b"Host: x\r\nConnection: close\r\n\r\n")
    await writer.drain()
    answer = await reader.read()
    writer.close()
    status = int(answer.split(b" ", 2)[1])
    return status, answer.split(b"\r\n\r\n", 1)[1]


@pytest.mark.parametrize("header", [b"X-API-Key: psk_\xff\xfe", b"Cookie: picsift_session=\xff\xfeabc",
                                    b"X-API-Key: \xc3\xa9t\xc3\xa9"])
async def test_undecodable_credentials_are_401_not_500(world, header):
    import json

    status, body = await raw_request(world, b"GET /api/photos HTTP/1.1\r\n" + header + b"\r\n")
    assert status == 401 and json.loads(body) == {"error": "sign in first"}


async def test_a_non_ascii_csrf_token_is_a_403(world, sign_in):
    await sign_in(world.client, "alice")
    response = await world.client.post("/api/auth/keys", json={}, headers={"X-CSRF-Token": "ünïcode"})
    assert response.status == 403 and "CSRF" in (await response.json())["error"]


@pytest.mark.parametrize("body", [{"query": "cat " * 25_000}, {"ids": ["x" * 200]}, {"ids": ["a"] * 1001},
                                  {"hours": "72"}, {"hide_meta": "false"}])
async def test_oversized_or_mistyped_share_requests_are_400(world, sign_in, body):
    csrf = await sign_in(world.client, "alice")
    response = await world.client.post("/api/shares", json=body, headers={"X-CSRF-Token": csrf})
    assert response.status in (400, 413) and set(await response.json()) == {"error"}


@pytest.mark.parametrize("url", ["/api/photos?cursor=" + "A" * 5_000, "/api/search?q=cat&cursor=" + "A" * 5_000,
                                 "/api/search?q=" + "cat%20" * 1000, "/api/search?q=a&q=b"])
async def test_huge_cursors_and_queries_are_400(world, sign_in, url):
    await sign_in(world.client, "alice")
    response = await world.client.get(url)
    assert response.status == 400 and set(await response.json()) == {"error"}


@pytest.mark.parametrize("method,url", [("GET", "/no/such/page"), ("PUT", "/api/photos"), ("GET", "/static/../app.py"),
                                        ("GET", "/static/nope.js")])
async def test_refusals_of_the_router_itself_are_json(world, sign_in, method, url):
    await sign_in(world.client, "alice")
    response = await world.client.request(method, url)
    assert 400 <= response.status < 500 and response.content_type == "application/json"
    assert set(await response.json()) == {"error"} and response.headers["Server"] == "picsift"
