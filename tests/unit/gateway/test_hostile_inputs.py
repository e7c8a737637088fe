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
]
ANSWERED = [  # odd but meaningful queries: an answer, not an error
    "/api/search?q=faces:99999999999999999999",
    "/api/search?q=" + "not%20" * 100 + "cat",
    "/api/search?q=" + "(" * 50 + "cat" + ")" * 50,
    "/api/search?q=year:99999999999999999999",
    "/api/search?q=near:miami%2099999999999999999999km",
    "/api/suggest?q=%00",
]
BODIES = [
    ("[" * 100_000 + "]" * 100_000, "application/json"),  # nesting past the parser's recursion limit
    ("{}", "application/json; charset=no-such-charset"),
    ("\xff\xfe", "application/json"),
    ("[1, 2]", "application/json"),
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


@pytest.mark.parametrize("body,content_type", BODIES)
async def test_bad_login_bodies_are_400_without_signing_in(world, body, content_type):
    response = await world.client.post("/api/auth/login", data=body.encode("utf-8", "surrogateescape"),
                                       headers={"Content-Type": content_type})
    assert response.status == 400
    assert set(await response.json()) == {"error"}
