"""The OpenAPI description of the gateway's HTTP API, served at /api/openapi.json."""

ERROR = {"type": "object", "properties": {"error": {"type": "string"}}, "required": ["error"]}
JSON_ERROR = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
STANDARD = {"400": {"description": "bad input", **JSON_ERROR}, "401": {"description": "not signed in", **JSON_ERROR},
            "403": {"description": "not allowed", **JSON_ERROR}, "404": {"description": "unknown id", **JSON_ERROR},
            "429": {"description": "too many failed sign-ins: wait Retry-After seconds", **JSON_ERROR}}


def op(summary: str, params: list[dict] | None = None, body: dict | None = None, ok: str = "200") -> dict:
    spec = {"summary": summary, "responses": {ok: {"description": "ok"}, **STANDARD}}
    if params:
        spec["parameters"] = params
    if body:
        spec["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    return spec


def q(name: str, kind: str = "string", required: bool = False) -> dict:
    return {"name": name, "in": "query", "required": required, "schema": {"type": kind}}


def p(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


OPENAPI = {
    "openapi": "3.0.3",
    "info": {"title": "picsift gateway", "version": "1",
             "description": "Sign in with POST /api/auth/login (a session cookie; send the returned csrf token as "
                            "X-CSRF-Token on POST/DELETE) or send an API key as X-API-Key."},
    "components": {"schemas": {"Error": ERROR},
                   "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "picsift_session"},
                                       "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"}}},
    "security": [{"session": []}, {"apiKey": []}],
    "paths": {
        "/api/auth/login": {"post": {**op("Sign in", body={"type": "object", "properties": {
            "username": {"type": "string"}, "password": {"type": "string"}}, "required": ["username", "password"]}),
            "security": []}},
        "/api/auth/logout": {"post": op("Sign out")},
        "/api/auth/me": {"get": op("The signed-in user and the CSRF token")},
        "/api/auth/keys": {"post": op("Create an API key for scripts (signed in with a password, not a key); it is "
                                      "shown once", body={"type": "object", "properties": {
            "label": {"type": "string"}, "days": {"type": "number", "minimum": 1, "maximum": 3650},
            "read_only": {"type": "boolean"}}}, ok="201"),
                           "get": op("Your API keys (never the keys themselves)")},
        "/api/auth/keys/{id}": {"delete": op("Revoke one of your API keys", [p("id")])},
        "/api/auth/password": {"post": op("Change your password: your other sessions and every API key end", body={
            "type": "object", "properties": {"current": {"type": "string"}, "new": {"type": "string"}},
            "required": ["current", "new"]})},
        "/api/photos": {"get": op("Photos newest first", [q("cursor"), q("limit", "integer")])},
        "/api/photos/{id}": {"get": op("Everything known about one photo", [p("id")])},
        "/api/search": {"get": op("Search in plain words", [q("q", required=True), q("cursor"),
                                                             q("limit", "integer"), q("explain")])},
        "/api/suggest": {"get": op("Terms starting with what was typed", [q("q", required=True)])},
        "/media/{id}/original": {"get": op("The original file (range requests)", [p("id")])},
        "/media/{id}/thumb": {"get": op("A thumbnail", [p("id"), q("size", "integer")])},
        "/api/shares": {"post": op("Share photos or a search read-only until it expires", body={
            "type": "object", "properties": {"ids": {"type": "array", "items": {"type": "string"}},
                                             "query": {"type": "string"}, "hours": {"type": "number"},
                                             "hide_meta": {"type": "boolean"}}}, ok="201"),
                        "get": op("Your shares that have not expired")},
        "/api/shares/{id}": {"delete": op("Revoke one of your shares: its link stops working", [p("id")])},
        "/api/shares/public/{token}": {"get": {**op("A share's photos", [p("token")]), "security": []}},
        "/api/shares/public/{token}/thumb/{id}": {"get": {**op("A thumbnail of a shared photo", [p("token"), p("id")]),
                                                          "security": []}},
        "/api/status": {"get": op("Per stage: done, waiting, failed, rate, ETA")},
        "/api/admin/users": {"get": op("Users (admin)"), "post": op("Add a user (admin)", body={
            "type": "object", "properties": {"name": {"type": "string"}, "password": {"type": "string"},
                                             "roots": {"type": "array", "items": {"type": "string"}},
                                             "admin": {"type": "boolean"}}}, ok="201")},
        "/api/admin/users/{name}": {"delete": op("Remove a user (admin)", [p("name")])},
        "/api/admin/failed": {"get": op("Files that could not be read and photos whose analysis stage failed, with "
                                         "reasons (admin)")},
        "/api/admin/rescan": {"post": op("Rescan the media roots (admin)", ok="202")},
        "/api/admin/dead-letters": {"get": op("Dead letters per stage with reasons (admin)")},
        "/api/admin/dead-letters/{stage}/replay": {"post": op("Replay a stage's dead letters (admin)", [p("stage")])},
        "/metrics": {"get": op("Prometheus metrics (admin)")},
        "/api/people": {"get": op("Her people: faces of two or more in her photos, biggest first")},
        "/api/people/{id}": {"get": op("A person's photos and faces", [p("id")]), "patch": op(
            "Name a person (a name in use merges the two)", [p("id")],
            body={"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]})},
        "/api/people/{id}/merge": {"post": op("Merge a person into another", [p("id")], body={
            "type": "object", "properties": {"into": {"type": "integer"}}, "required": ["into"]})},
    },
}
