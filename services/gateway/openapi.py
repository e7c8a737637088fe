"""The route table's entry type (handler, models, who may call it) and the OpenAPI document made from the table."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Awaitable, Callable

from aiohttp import web
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from services.gateway.models import Error

REF = "#/components/schemas/{model}"
ERRORS = {"400": "bad input", "401": "not signed in", "403": "not allowed", "404": "unknown id",
          "409": "the folder is not there", "413": "body too large", "415": "not a kind of photo picsift reads",
          "429": "too many attempts; see Retry-After", "503": "not available in this gateway"}


@dataclass(frozen=True)
class Api:
    method: str
    path: str
    handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    summary: str
    response: type[BaseModel] | None = None  # None: the body is not a JSON model (see content)
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    status: int = 200
    public: bool = False
    content: str = "application/json"
    upload: bool = False  # the body is a multipart/form-data form of files
    errors: tuple[str, ...] = ("400", "401", "403", "404")


def _path_params(path: str) -> list[dict]:
    return [{"name": name, "in": "path", "required": True, "schema": {"type": "string", "minLength": 1}}
            for name in re.findall(r"{(\w+)}", path)]


def _query_params(model: type[BaseModel]) -> list[dict]:
    schema = model.model_json_schema(ref_template=REF)
    required = set(schema.get("required", ()))
    return [{"name": name, "in": "query", "required": name in required, "schema": field}
            for name, field in schema["properties"].items()]


def _operation(api: Api, refs: dict) -> dict:
    schema = refs[api.response] if api.response is not None else {}
    responses = {str(api.status): {"description": "ok", "content": {api.content: {"schema": schema}}}}
    for code in api.errors:
        responses[code] = {"description": ERRORS[code], "content": {"application/json": {"schema": refs[Error]}}}
    spec = {"summary": api.summary, "operationId": f"{api.method.lower()}_{api.handler.__name__}_{len(api.path)}",
            "responses": responses}
    if params := _path_params(api.path) + (_query_params(api.query) if api.query else []):
        spec["parameters"] = params
    if api.body is not None:
        spec["requestBody"] = {"required": True, "content": {"application/json": {"schema": refs[api.body]}}}
    if api.upload:
        files = {"type": "array", "items": {"type": "string", "format": "binary"}}
        spec["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": {
            "type": "object", "properties": {"file": files}}}}}
    if api.public:
        spec["security"] = []
    return spec


def build(routes: list[Api]) -> dict:
    """OpenAPI 3.1 (JSON Schema as pydantic writes it): every route, its parameters, body and answers."""
    models = {model for api in routes for model in (api.response, api.body) if model is not None} | {Error}
    keyed, definitions = models_json_schema([(model, "validation") for model in sorted(models, key=lambda m: m.__name__)],
                                            ref_template=REF)
    refs = {model: schema for (model, _), schema in keyed.items()}
    paths: dict[str, dict] = {}
    for api in routes:
        paths.setdefault(api.path, {})[api.method.lower()] = _operation(api, refs)
    return {
        "openapi": "3.1.0",
        "info": {"title": "picsift gateway", "version": "1",
                 "description": "Sign in with POST /api/auth/login (a session cookie; send the returned csrf token "
                                "as X-CSRF-Token on POST/DELETE) or send an API key as X-API-Key. Every error is "
                                "JSON: {\"error\": \"...\"}."},
        "components": {"schemas": definitions.get("$defs", {}),
                       "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "picsift_session"},
                                           "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"}}},
        "security": [{"session": []}, {"apiKey": []}],
        "paths": paths,
    }
