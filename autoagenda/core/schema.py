"""OpenAPI post-processing: every operation documents the errors it can answer.

Each view names the errors particular to it (`error_responses(409)`); the ones that follow from how the API
works are added here, so the schema never claims less than the server does (schemathesis checks every status
code against it, .ci/fuzz_api.py):
- 400 where there is a body (malformed JSON is `parse_error`) or a query string;
- 401 wherever a bearer token is read: a stale or forged one is refused even where anonymous callers are welcome;
- 403 wherever a signed-in role may be refused;
- 404 where the path names an object, and on paginated lists (a page past the last one);
- 429 everywhere: every view is throttled.
"""

from __future__ import annotations

from typing import Any

ERROR_REF = {"$ref": "#/components/schemas/Error"}
DESCRIPTIONS = {
    "400": "Invalid input (`invalid`, with `errors`) or malformed JSON (`parse_error`).",
    "401": "No, or a bad, access token (`not_authenticated`, `token_not_valid`).",
    "403": "Your role may not do this (`permission_denied`).",
    "404": "Not found, or not visible to you (`not_found`).",
    "429": "Throttled (`throttled`); see the Retry-After header.",
}
METHODS = ("get", "put", "post", "patch", "delete", "head", "options", "trace")


def _reads_a_token(operation: dict[str, Any]) -> bool:
    return any(requirement for requirement in operation.get("security", []))


def _codes(operation: dict[str, Any]) -> list[str]:
    parameters = operation.get("parameters", [])
    codes = []
    if "requestBody" in operation or any(p.get("in") == "query" for p in parameters):
        codes.append("400")
    if _reads_a_token(operation):
        codes += ["401", "403"]
    if any(p.get("in") == "path" or p.get("name") == "page" for p in parameters):
        codes.append("404")
    codes.append("429")
    return codes


def document_errors(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for code in _codes(operation):
                responses.setdefault(
                    code, {"description": DESCRIPTIONS[code], "content": {"application/json": {"schema": ERROR_REF}}}
                )
    return result
