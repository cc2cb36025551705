"""The interactive docs page without a CDN: Swagger UI's assets come from the
``flask-swagger-ui`` wheel (which bundles the Swagger UI dist) and are served here, at
``/api/v1/docs/assets/``; flask-smorest renders the page at ``/api/v1/docs``."""

from __future__ import annotations

from pathlib import Path

import flask_swagger_ui
from flask import Flask, abort, send_from_directory

ASSETS_URL = "/api/v1/docs/assets/"
ASSETS_DIR = Path(flask_swagger_ui.__file__).resolve().parent / "dist"
_ALLOWED = {
    "swagger-ui.css",
    "swagger-ui-bundle.js",
    "swagger-ui-standalone-preset.js",
    "favicon-16x16.png",
    "favicon-32x32.png",
    "oauth2-redirect.html",
    "oauth2-redirect.js",
}


def _asset(filename: str):
    if filename not in _ALLOWED:
        abort(404)
    return send_from_directory(ASSETS_DIR, filename, max_age=86400)


def init_app(app: Flask) -> None:
    app.add_url_rule(ASSETS_URL + "<path:filename>", endpoint="docs_assets", view_func=_asset)
