"""Finishing the generated OpenAPI schema: every operation lists the problems it can answer with.

Views describe their own success and, where it says more, their own refusals (`api.problems.problems`).
This hook (drf-spectacular's POSTPROCESSING_HOOKS) makes the rest uniform, because every view shares them:
401, 403 and 429 everywhere, 400 and 404 everywhere (a query parameter or an id can be wrong), 409, 415
and 422 on writes; and every 4xx answer is `application/problem+json` with the `Problem` body.
"""

from __future__ import annotations

from typing import Any

from api.problems import CONTENT_TYPE, DESCRIPTIONS

ALWAYS = (400, 401, 403, 404, 429)
ON_WRITES = (409, 415, 422)
WRITES = {"post", "put", "patch", "delete"}
EXTRA_DESCRIPTIONS = {
    415: "The body must be JSON (`Content-Type: application/json`).",
    405: "This method is not allowed here.",
    406: "Ask for `application/json`.",
}
PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "properties": {
        "type": {"type": "string", "description": "A URI naming the kind of problem, e.g. /api/v1/problems/refused."},
        "title": {"type": "string", "description": "The kind of problem in a few words."},
        "status": {"type": "integer", "description": "The HTTP status code."},
        "detail": {"type": "string", "description": "What went wrong, in words to show a person."},
        "field": {"type": "string", "description": "The field the problem belongs to, if one."},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "Messages per field (`non_field_errors` for the request as a whole).",
        },
        "current_version": {
            "type": "integer",
            "description": "409 only: the complaint's version now; read it again, then retry.",
        },
        "retry_after": {"type": "integer", "description": "429 only: seconds to wait."},
        "existing_customer": {
            "type": "integer",
            "description": "Adding a customer already on file (422): the id of the one on file, to use instead.",
        },
        "existing_customer_url": {
            "type": "string",
            "description": "Adding a customer already on file (422): that customer in the API.",
        },
    },
    "required": ["type", "title", "status", "detail"],
}


def _problem_response(code: int, description: str | None = None) -> dict[str, Any]:
    return {
        "description": description or DESCRIPTIONS.get(code) or EXTRA_DESCRIPTIONS.get(code, "A problem."),
        "content": {CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def add_problem_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: see the module's docstring."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            responses = operation.setdefault("responses", {})
            codes = [*ALWAYS, *(ON_WRITES if method in WRITES else ())]
            for code in codes:
                responses.setdefault(str(code), _problem_response(code))
            for code, response in responses.items():
                if code.startswith("4"):
                    # A view's own description of a refusal stays; its body is the problem's.
                    response["content"] = _problem_response(int(code))["content"]
    return result
