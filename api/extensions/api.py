"""The thin layer over flask-smorest: the one place where errors become problem+json.

- :class:`Api` documents every error as ``application/problem+json`` with
  :class:`~api.errors.ProblemSchema` and installs the handlers of :mod:`api.errors`.
- :class:`Blueprint` parses bodies with :class:`StrictParser` (415 for non-JSON bodies,
  strict JSON, 422 problems with field paths) and adds :meth:`Blueprint.problems`, which
  declares the error responses of an endpoint in one line.
- :class:`StrictSchema` is the base of every API schema: unknown fields raise.
"""

from __future__ import annotations

import copy
import functools
import http

import flask_smorest
from flask import current_app, g, request
from marshmallow import RAISE, Schema
from webargs import core
from webargs.flaskparser import FlaskParser

from api import errors
from api.errors import PROBLEM_CONTENT_TYPE, Problem, ProblemSchema
from api.extensions.json import parse_json


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE
        ordered = True


def body_options(*, exact: bool = True, max_bytes_config: str | None = None):
    """Per-endpoint body handling; put it above ``@blp.arguments``.

    ``exact=False`` parses non-integral JSON numbers as float (volume endpoints);
    ``max_bytes_config`` names the config key of this endpoint's body limit (413 past it).
    """

    def decorator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            g.json_exact = exact
            if max_bytes_config:
                request.max_content_length = current_app.config[max_bytes_config]
            return func(*args, **kwargs)

        return wrapper

    return decorator


def require_json_content_type(*accepted: str) -> None:
    """415 unless the request's body (if any) has a JSON media type."""
    mimetype = request.mimetype
    if accepted and mimetype in accepted:
        return
    if not core.is_json(mimetype):
        detail = (
            f"send the body as {' or '.join(accepted) or 'application/json'}"
            f"{'' if not mimetype else f', not {mimetype}'}"
        )
        raise Problem(
            415,
            detail=detail,
            errors=[{"field": "Content-Type", "in": "header", "message": detail}],
            headers={"Accept-Post": ", ".join(accepted or ("application/json",))},
        )


def document_header(func, parameter: dict, *statuses: int):
    """Add a header parameter (and the problem responses it brings) to ``func``'s docs."""
    doc = copy.deepcopy(getattr(func, "_apidoc", {}))
    doc.setdefault("arguments", {}).setdefault("parameters", []).append(parameter)
    responses = doc.setdefault("response", {}).setdefault("responses", {})
    for status in statuses:
        responses.setdefault(status, []).append(http.HTTPStatus(status).name)
    func._apidoc = doc
    return func


IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": True,
    "description": 'The ETag from the last read, e.g. "3" (missing: 428; stale: 412)',
    "schema": {"type": "string"},
}


_BASE = "https://valueframe.dev/problems/"
PROBLEM_EXAMPLES = {
    401: {
        "type": _BASE + "unauthorized",
        "title": "Unauthorized",
        "status": 401,
        "detail": "send an API key: Authorization: Bearer vf_...",
        "instance": "/api/v1/cases",
    },
    404: {
        "type": _BASE + "not-found",
        "title": "Not Found",
        "status": 404,
        "detail": "no such case in this workspace",
        "instance": "/api/v1/cases/0b7f6c1e-5d7a-4a36-9a57-6f4c1d2e8b90",
    },
    412: {
        "type": _BASE + "precondition-failed",
        "title": "Precondition Failed",
        "status": 412,
        "detail": "the case has changed since you read it; GET it again and retry",
        "instance": "/api/v1/cases/0b7f6c1e-5d7a-4a36-9a57-6f4c1d2e8b90",
    },
    422: {
        "type": _BASE + "validation",
        "title": "Your request is not valid",
        "status": 422,
        "detail": "2 fields failed validation",
        "instance": "/api/v1/cases",
        "errors": [
            {
                "field": "document.values.0.driver.improvement.likely",
                "message": "Not a valid number.",
                "in": "body",
            },
            {"field": "document.colour", "message": "Unknown field.", "in": "body"},
        ],
    },
    428: {
        "type": _BASE + "precondition-required",
        "title": "Precondition Required",
        "status": 428,
        "detail": 'send If-Match with the case\'s ETag (from GET), e.g. If-Match: "3"',
        "instance": "/api/v1/cases/0b7f6c1e-5d7a-4a36-9a57-6f4c1d2e8b90",
    },
    429: {
        "type": _BASE + "rate-limited",
        "title": "Too Many Requests",
        "status": 429,
        "detail": "rate limit exceeded (1200 per 1 minute); retry after the Retry-After delay",
        "instance": "/api/v1/compute/returns",
    },
}


class StrictParser(FlaskParser):
    """webargs' Flask parser with strict JSON bodies and problem+json errors."""

    def _raw_load_json(self, req):
        data = req.get_data(cache=True)  # enforces the body limit (413)
        if not data:
            return core.missing
        require_json_content_type()
        return parse_json(data, exact=g.get("json_exact", True))

    def handle_error(self, error, req, schema, *, error_status_code, error_headers):
        status = error_status_code or self.DEFAULT_VALIDATION_STATUS
        problem = errors.ValidationProblem(errors._webargs_errors(error.messages), status=status)
        problem.headers.update(error_headers or {})
        raise problem from error


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = StrictParser()

    @staticmethod
    def if_match(required: bool = True):
        """Document the If-Match header (and its 412/428 problems) on an endpoint."""
        parameter = {**IF_MATCH, "required": required}

        def decorator(func):
            @functools.wraps(func)
            def wrapper(*args, **kwargs):
                return func(*args, **kwargs)

            statuses = (412, 428) if required else (412,)
            return document_header(wrapper, parameter, *statuses)

        return decorator

    def problems(self, *statuses: int):
        """Declare the problem responses an endpoint can return (401, 404, 412, ...)."""

        def decorator(func):
            for status in statuses:
                func = self.alt_response(status, response=http.HTTPStatus(status).name)(func)
            return func

        return decorator


class Api(flask_smorest.Api):
    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self):
        errors.register(self._app)

    def handle_http_exception(self, error):  # flask-smorest's hook, kept consistent
        return errors.handle_http_exception(error)

    def _register_responses(self):
        """Every status' component response is a problem+json document."""
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                content = {"schema": self.ERROR_SCHEMA}
                if status in PROBLEM_EXAMPLES:
                    content["example"] = PROBLEM_EXAMPLES[status]
                response["content"] = {PROBLEM_CONTENT_TYPE: content}
            if status in (429, 503):
                response["headers"] = {
                    "Retry-After": {
                        "description": "Seconds to wait before retrying",
                        "schema": {"type": "integer"},
                    }
                }
            if status == 401:
                response["headers"] = {
                    "WWW-Authenticate": {
                        "description": "The Bearer challenge",
                        "schema": {"type": "string"},
                    }
                }
            self.spec.components.response(status.name, response, lazy=True)
        self.spec.components.response(
            "DEFAULT_ERROR",
            {
                "description": "Any other error (problem+json)",
                "content": {PROBLEM_CONTENT_TYPE: {"schema": self.ERROR_SCHEMA}},
            },
            lazy=True,
        )
