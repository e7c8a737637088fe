"""Input checked at the edge: bodies and query strings into models, every refusal a 4xx with {"error"}."""
from __future__ import annotations

import json
import logging
from typing import TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError

MAX_BODY = 64 * 1024  # bytes of a JSON request body
log = logging.getLogger("picsift.gateway")
M = TypeVar("M", bound=BaseModel)


def error(status: type[web.HTTPException], message: str, **options) -> web.HTTPException:
    return status(text=json.dumps({"error": message}), content_type="application/json", **options)


def _explain(exc: ValidationError) -> str:
    first = exc.errors(include_url=False)[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{where}: {first['msg']}" if where else first["msg"]


async def parse_body(request: web.Request, model: type[M]) -> M:
    """The JSON object body as the model; UTF-8 whatever charset is claimed (RFC 8259), nesting bounded."""
    raw = await request.read()
    if len(raw) > MAX_BODY:
        raise error(web.HTTPRequestEntityTooLarge, f"the body is larger than {MAX_BODY} bytes",
                    max_size=MAX_BODY, actual_size=len(raw))
    try:
        data = json.loads(raw.decode("utf-8")) if raw.strip() else {}
    except (ValueError, RecursionError):
        raise error(web.HTTPBadRequest, "the body must be JSON (UTF-8)") from None
    if not isinstance(data, dict):
        raise error(web.HTTPBadRequest, "the body must be a JSON object")
    try:
        return model.model_validate(data)
    except (ValidationError, RecursionError) as exc:
        message = _explain(exc) if isinstance(exc, ValidationError) else "the body is nested too deep"
        raise error(web.HTTPBadRequest, message) from None


def parse_query(request: web.Request, model: type[M]) -> M:
    """The query string as the model; each name once."""
    if len(request.query) != len(set(request.query.keys())):
        raise error(web.HTTPBadRequest, "each query parameter may be given once")
    try:
        return model.model_validate(dict(request.query))
    except ValidationError as exc:
        raise error(web.HTTPBadRequest, _explain(exc)) from None


def _json_error(exc: web.HTTPException) -> web.HTTPException:
    """aiohttp's own refusals (404 route, 405, 413) carry text; they get the API's shape, headers kept."""
    if exc.content_type == "application/json" or exc.status < 400:
        return exc
    headers = {k: v for k, v in exc.headers.items() if k.lower() not in ("content-type", "content-length")}
    return type(exc)(text=json.dumps({"error": exc.reason.lower()}), content_type="application/json",
                     headers=headers, **_extra(exc))


def _extra(exc: web.HTTPException) -> dict:
    if isinstance(exc, web.HTTPMethodNotAllowed):
        return {"method": exc.method, "allowed_methods": exc.allowed_methods}
    if isinstance(exc, web.HTTPRequestEntityTooLarge):
        return {"max_size": 0, "actual_size": 0}
    return {}


@web.middleware
async def errors_middleware(request: web.Request, handler):
    """The outermost layer: JSON errors everywhere; an unexpected fault is logged and answered without details."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        raise _json_error(exc) from None
    except Exception:
        log.exception("unhandled error on %s %s", request.method, request.path)
        raise error(web.HTTPInternalServerError, "internal error") from None


async def hide_server(request: web.Request, response: web.StreamResponse) -> None:
    """No versions in the Server header."""
    response.headers["Server"] = "picsift"
