"""The application factory: ``create_app(test_config=None)``.

``flask --app api ...`` and gunicorn's ``'api:create_app()'`` both land here. Each subsystem
has an ``init_app(app)`` that also registers its CLI commands.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping
from pathlib import Path

from flask import Flask
from marshmallow import fields as ma_fields

from api import auth, docs, jobs, samples, web
from api.config import from_environment
from api.extensions import db as db_ext
from api.extensions import limiter as limiter_ext
from api.extensions.api import Api
from api.extensions.json import StrictJSONProvider

API_PREFIX = "/api/v1"

API_DESCRIPTION = """\
valueframe computes the value of a customer's *value reference frame* (strategic goal,
key issues on the 3x3 grid, a high-energy solution, quantified performance value):
ROI, NPV, IRR, MIRR, payback, turnover, contribution margin, simulation and sensitivity.

* **Authentication**: `Authorization: Bearer vf_<prefix>_<secret>` (create a key with
  `flask --app api keys create --workspace NAME`).
* **Money** travels as decimal strings (`"1250000.00"`); JSON numbers are accepted on input
  and read through their decimal text. The batch endpoint takes plain JSON numbers (float64)
  for volume. Every response states its `currency`.
* **Errors** are RFC 9457 `application/problem+json`; validation problems list every wrong
  field as a dotted path (`values.0.driver.improvement.likely`). Unknown fields, NaN and
  Infinity are rejected; bodies are size-limited (413).
* **Concurrency**: reads return an `ETag`; updates need `If-Match` (missing: 428, stale: 412).
  Creates accept an `Idempotency-Key`.
"""


def _api_config(app: Flask) -> dict:
    return {
        "API_TITLE": "valueframe API",
        "API_VERSION": "1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": API_PREFIX,
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "/docs",
        "OPENAPI_SWAGGER_UI_URL": docs.ASSETS_URL,
        "OPENAPI_SWAGGER_UI_CONFIG": {"persistAuthorization": True, "deepLinking": True},
        "API_SPEC_OPTIONS": {
            "info": {"description": API_DESCRIPTION},
            "security": [{"bearerAuth": []}],
            "components": {
                "securitySchemes": {
                    "bearerAuth": {
                        "type": "http",
                        "scheme": "bearer",
                        "bearerFormat": "vf_<prefix>_<secret>",
                        "description": "An API key of a workspace",
                    }
                }
            },
        },
    }


def _configure_logging(app: Flask) -> None:
    level = app.config["VALUEFRAME_LOG_LEVEL"]
    logger = logging.getLogger("api")
    logger.setLevel(level)
    if not app.testing and not logger.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        logger.addHandler(handler)


def create_app(test_config: Mapping | None = None) -> Flask:
    app = Flask("api", instance_relative_config=True, static_folder=None)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(from_environment(app.instance_path))
    app.config.update(_api_config(app))
    if test_config:
        overrides = dict(test_config)
        if "DATABASE_URL" in overrides:
            overrides["SQLALCHEMY_DATABASE_URI"] = overrides.pop("DATABASE_URL")
        app.config.update(overrides)
    app.config["MAX_CONTENT_LENGTH"] = app.config["VALUEFRAME_MAX_BODY_BYTES"]
    app.json = StrictJSONProvider(app)
    _configure_logging(app)

    db_ext.init_app(app)
    auth.init_app(app)
    limiter_ext.init_app(app)  # after auth: limits are keyed by the authenticated key
    docs.init_app(app)
    samples.init_app(app)
    web.init_app(app)  # the workspace page at /app/ (a client of this API)

    api = Api(app)
    app.extensions["valueframe_api"] = api
    _register_fields(api)
    _register_resources(api)
    jobs.init_app(app, api)  # documents, jobs and the `worker` command
    return app


def _decimal_as_string(self, field, ret, **kwargs) -> dict:
    """A Decimal field with ``as_string`` travels as a string: say so in the document.

    Numeric bounds do not apply to a string schema; they move into the description.
    """
    if not (isinstance(field, ma_fields.Decimal) and field.as_string):
        return {}
    bounds = {k: ret.pop(k) for k in ("minimum", "maximum") if k in ret}
    for key in ("exclusiveMinimum", "exclusiveMaximum"):
        ret.pop(key, None)
    extra = {"type": "string", "format": "decimal"}
    if bounds:
        text = ", ".join(f"{k} {v}" for k, v in bounds.items())
        description = ret.get("description", "")
        extra["description"] = f"{description} (decimal string; {text})".strip()
    return extra


def _register_fields(api: Api) -> None:
    """Document the custom fields as what they put on the wire."""
    from valueframe.fields import PngBase64

    api.ma_plugin.converter.add_attribute_function(_decimal_as_string)
    api.register_field(PngBase64, "string", "byte")


def _register_resources(api: Api) -> None:
    from api.resources.cases.resources import blp as cases
    from api.resources.compute.resources import blp as compute
    from api.resources.health.resources import blp as health
    from api.resources.realization.resources import blp as realization
    from api.resources.reference.resources import blp as reference
    from api.resources.workspace.resources import blp as workspace

    api.register_blueprint(health)
    api.register_blueprint(compute, url_prefix=f"{API_PREFIX}/compute")
    api.register_blueprint(cases, url_prefix=f"{API_PREFIX}/cases")
    api.register_blueprint(realization, url_prefix=f"{API_PREFIX}/cases")
    api.register_blueprint(workspace, url_prefix=f"{API_PREFIX}/workspace")
    api.register_blueprint(reference, url_prefix=f"{API_PREFIX}/reference")
