"""RFC 9457 problem details for every error the service returns.

One response shape (``application/problem+json``) for everything that is not a 2xx: a
machine-readable ``type`` URI (``https://valueframe.dev/problems/<slug>``), ``title``,
``status``, ``detail``, ``instance`` (the request path) and, for validation problems,
``errors``: one ``{"field": "values.0.driver.improvement.likely", "in": "body", "message":
...}`` per wrong field, flattened from marshmallow's nested messages.

Raise :class:`Problem` (or a subclass) anywhere; :func:`register` installs the handlers that
turn it, HTTP exceptions, marshmallow ``ValidationError``, calculator errors, database
outages and unexpected exceptions into problem responses. Nothing internal (tracebacks, SQL,
exception text of unexpected errors) is ever sent.
"""

from __future__ import annotations

import http
import logging
import math
import re
import time

from flask import Flask, current_app, request
from marshmallow import Schema, ValidationError, fields
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException

from calculators.errors import CalculatorError

PROBLEM_BASE = "https://valueframe.dev/problems/"
PROBLEM_CONTENT_TYPE = "application/problem+json"

log = logging.getLogger("api.errors")

# slug and title per status for problems raised without a slug (HTTP exceptions, abort()).
_SLUGS = {
    400: "bad-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    409: "conflict",
    410: "gone",
    411: "length-required",
    412: "precondition-failed",
    413: "payload-too-large",
    414: "uri-too-long",
    415: "unsupported-media-type",
    422: "validation",
    428: "precondition-required",
    429: "rate-limited",
    431: "headers-too-large",
    500: "internal",
    501: "not-implemented",
    503: "service-unavailable",
}

_TITLES = {
    "validation": "Your request is not valid",
    "invalid-json": "The body is not valid JSON",
    "calculation": "A figure cannot be computed from these inputs",
    "idempotency-key-reuse": "Idempotency-Key reused with a different request",
    "idempotency-in-flight": "A request with this Idempotency-Key is still being processed",
    "service-unavailable": "The service is temporarily unavailable",
    "internal": "Internal server error",
}


class Problem(Exception):
    """An error that becomes a problem+json response."""

    def __init__(
        self,
        status: int,
        slug: str | None = None,
        *,
        title: str | None = None,
        detail: str | None = None,
        errors: list[dict] | None = None,
        headers: dict | None = None,
        **extensions,
    ):
        super().__init__(detail or title or slug)
        self.status = status
        self.slug = slug or _SLUGS.get(status, "error")
        self.title = title or _TITLES.get(self.slug) or http.HTTPStatus(status).phrase
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}
        self.extensions = extensions


class ValidationProblem(Problem):
    def __init__(self, errors: list[dict], *, detail: str | None = None, status: int = 422):
        count = len(errors)
        super().__init__(
            status,
            "validation",
            detail=detail or f"{count} field{'s' if count != 1 else ''} failed validation",
            errors=errors,
        )


def flatten_messages(messages, prefix: str = "", location: str | None = None) -> list[dict]:
    """marshmallow's nested messages -> ``[{"field": "a.0.b", "message": ...}, ...]``.

    ``_schema`` (whole-object) errors are reported on the object's own path; the root is
    ``""``.
    """
    out: list[dict] = []

    def add(path: str, message: str) -> None:
        entry = {"field": path, "message": message}
        if location:
            entry["in"] = location
        out.append(entry)

    def walk(node, path: str) -> None:
        if isinstance(node, dict):
            for key, child in node.items():
                if key == "_schema":
                    walk(child, path)
                else:
                    walk(child, f"{path}.{key}" if path else str(key))
        elif isinstance(node, list | tuple):
            for child in node:
                if isinstance(child, dict | list | tuple):
                    walk(child, path)
                else:
                    add(path, str(child))
        else:
            add(path, str(node))

    walk(messages, prefix)
    return out


# webargs keys its messages by location; these are the names OpenAPI uses.
_LOCATIONS = {
    "json": "body",
    "query": "query",
    "querystring": "query",
    "headers": "header",
    "view_args": "path",
    "path": "path",
    "form": "body",
}


def _webargs_errors(messages) -> list[dict]:
    if isinstance(messages, dict) and messages and set(messages) <= set(_LOCATIONS):
        errors: list[dict] = []
        for location, inner in messages.items():
            errors.extend(flatten_messages(inner, location=_LOCATIONS[location]))
        return errors
    return flatten_messages(messages)


def problem_body(problem: Problem) -> dict:
    body = {
        "type": PROBLEM_BASE + problem.slug,
        "title": problem.title,
        "status": problem.status,
    }
    if problem.detail:
        body["detail"] = problem.detail
    body["instance"] = request.path if request else None
    if problem.errors is not None:
        body["errors"] = problem.errors
    body.update(problem.extensions)
    return body


def problem_response(problem: Problem):
    response = current_app.response_class(
        current_app.json.dumps(problem_body(problem), separators=(",", ":")),
        status=problem.status,
        mimetype=PROBLEM_CONTENT_TYPE,
    )
    for name, value in problem.headers.items():
        response.headers[name] = str(value)
    if problem.status == 401 and "WWW-Authenticate" not in response.headers:
        response.headers["WWW-Authenticate"] = 'Bearer realm="valueframe"'
    return response


def from_http_exception(error: HTTPException) -> Problem:
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    errors = None
    if "errors" in data or "messages" in data:
        errors = _webargs_errors(data.get("errors", data.get("messages")))
    detail = data.get("message") or error.description
    if status == 413:
        limit = request.max_content_length if request else None
        detail = f"the body is larger than this endpoint accepts ({limit} bytes)"
        errors = [{"field": "", "in": "body", "message": f"at most {limit} bytes"}]
    elif status == 429:
        detail = f"rate limit exceeded ({error.description}); retry after the Retry-After delay"
    elif errors is not None and status == 422:
        count = len(errors)
        detail = f"{count} field{'s' if count != 1 else ''} failed validation"
    headers = dict(data.get("headers") or {})
    problem = Problem(status, detail=detail, errors=errors, headers=headers)
    if status == 405 and error.get_response().headers.get("Allow"):
        problem.headers["Allow"] = error.get_response().headers["Allow"]
    if status == 429:
        problem.headers["Retry-After"] = _rate_limit_retry_after()
    return problem


def _rate_limit_retry_after() -> int:
    """Seconds until the breached limit's window lets the next request through."""
    limiter = current_app.extensions.get("valueframe_limiter")
    try:
        limit = limiter.current_limit if limiter else None
        if limit is not None:
            return max(1, math.ceil(limit.reset_at - time.time()))
    except Exception:  # the storage may be unreachable; a conservative answer is fine
        log.debug("could not read the rate limit window", exc_info=True)
    return 60


def handle_problem(error: Problem):
    return problem_response(error)


def handle_http_exception(error: HTTPException):
    if isinstance(error.__cause__, Problem):  # pragma: no cover - defensive
        return problem_response(error.__cause__)
    return problem_response(from_http_exception(error))


def handle_validation_error(error: ValidationError):
    """A marshmallow ValidationError raised in a view (a document loaded by hand)."""
    return problem_response(ValidationProblem(flatten_messages(error.messages, location="body")))


def handle_calculator_error(error: CalculatorError):
    field = re.sub(r"\[(\d+)\]", r".\1", error.argument)  # flows[3] -> flows.3
    problem = Problem(
        422,
        "calculation",
        detail=f"{error.argument}: {error.message}",
        errors=[{"field": field, "message": error.message}],
    )
    return problem_response(problem)


def handle_database_unavailable(error: Exception):
    log.warning("database unavailable: %s", type(error).__name__)
    _rollback()
    return problem_response(
        Problem(
            503,
            "service-unavailable",
            detail="the database cannot be reached; retry shortly",
            headers={"Retry-After": current_app.config["VALUEFRAME_RETRY_AFTER_SECONDS"]},
        )
    )


def _rollback() -> None:
    from api.extensions.db import db

    try:
        db.session.rollback()
    except Exception:  # the connection may be gone already
        log.debug("rollback failed", exc_info=True)


def handle_integrity_error(error: sa_exc.IntegrityError):
    """A unique or foreign key constraint lost a race with a concurrent request."""
    log.info("integrity error on %s %s: %s", request.method, request.path, error.orig)
    _rollback()
    return problem_response(
        Problem(409, detail="a concurrent request changed the same data; retry the request")
    )


def handle_data_error(error: sa_exc.DataError):
    """A value the schemas let through but the database refuses (a gap in validation)."""
    log.warning("data error on %s %s: %s", request.method, request.path, error.orig)
    _rollback()
    return problem_response(
        Problem(422, "validation", detail="a value does not fit what the database stores")
    )


def handle_arithmetic_error(error: ArithmeticError):
    """Inputs that valid schemas accept but the arithmetic cannot handle (overflow...)."""
    log.warning("arithmetic error on %s %s: %r", request.method, request.path, error, exc_info=True)
    return problem_response(
        Problem(
            422,
            "calculation",
            detail="these inputs cannot be computed (the arithmetic overflows or divides by "
            "zero); check magnitudes, rates and horizons",
        )
    )


def handle_unexpected(error: Exception):
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    log.exception("unhandled error on %s %s", request.method, request.path)
    return problem_response(
        Problem(500, "internal", detail="an unexpected error occurred; it has been logged")
    )


def register(app: Flask) -> None:
    app.register_error_handler(Problem, handle_problem)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(ValidationError, handle_validation_error)
    app.register_error_handler(CalculatorError, handle_calculator_error)
    for outage in (sa_exc.OperationalError, sa_exc.DisconnectionError, sa_exc.TimeoutError):
        app.register_error_handler(outage, handle_database_unavailable)
    app.register_error_handler(sa_exc.IntegrityError, handle_integrity_error)
    app.register_error_handler(sa_exc.DataError, handle_data_error)
    app.register_error_handler(ArithmeticError, handle_arithmetic_error)
    app.register_error_handler(Exception, handle_unexpected)


# -- documentation ---------------------------------------------------------------------------


class FieldErrorSchema(Schema):
    field = fields.String(
        required=True,
        metadata={"description": "Dotted path of the wrong field ('' = the whole body)"},
    )
    message = fields.String(required=True)
    in_ = fields.String(
        data_key="in",
        metadata={"description": "Where the field is: body, query, path or header"},
    )


class ProblemSchema(Schema):
    """RFC 9457 problem details."""

    type = fields.String(
        required=True,
        metadata={
            "description": "URI naming the kind of problem",
            "example": PROBLEM_BASE + "validation",
        },
    )
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    instance = fields.String(metadata={"description": "The request path"})
    errors = fields.List(
        fields.Nested(FieldErrorSchema),
        metadata={"description": "Validation problems: every wrong field"},
    )
