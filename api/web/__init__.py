"""The web workspace: one page and its static assets, served by the same Flask app.

The page is a client of the JSON API and nothing else: it signs in with a workspace's API
key (kept in the browser's sessionStorage and sent as ``Authorization: Bearer``), reads and
saves cases through ``/api/v1/cases`` (``If-Match`` on every save) and recomputes live
figures through ``POST /api/v1/compute/evaluate``. No figure is computed here or in the
browser. Everything it loads is served by this blueprint - no CDN.

The page and its assets carry no data and need no key, so the blueprint is public (the API
calls the page makes are authenticated as usual). The labels it shows come from the one
translation table (:mod:`valueframe.i18n`): ``web.*`` keys from
``valueframe/data/labels/web.json`` plus the domain vocabulary and the stage-check findings,
embedded in the page in both languages so the language switch needs no round trip.
"""

from __future__ import annotations

import json
from functools import cache

from flask import Blueprint, Flask, redirect, render_template, url_for

from api import auth
from valueframe import model
from valueframe.i18n import table
from valueframe.model import LOCALES

blp = Blueprint(
    "web",
    __name__,
    url_prefix="/app",
    static_folder="static",
    static_url_path="/static",
    template_folder="templates",
)

# Label families the page shows: its own (web.*), the domain vocabulary and the findings.
LABEL_PREFIXES = (
    "web",
    "level",
    "dimension",
    "stage",
    "viewpoint",
    "csf_source",
    "issue_kind",
    "issue_score",
    "address_mode",
    "value_kind",
    "value_dimension",
    "driver",
    "component",
    "curve",
    "evidence",
    "cost_kind",
    "criterion",
    "element",
    "question_type",
    "term",
    "finding",
    "scenario",
    "stream",
)

# The case document's enumerations, from the model (the page offers exactly these).
ENUMS = {
    name.lower(): list(getattr(model, name))
    for name in (
        "STAGES",
        "LOCALES",
        "VIEWPOINTS",
        "CSF_SOURCES",
        "ISSUE_KINDS",
        "LEVELS",
        "DIMENSIONS",
        "ADDRESS_MODES",
        "VALUE_KINDS",
        "DRIVER_TYPES",
        "WORKING_CAPITAL_COMPONENTS",
        "CURVES",
        "EVIDENCE",
        "COST_KINDS",
        "PERIOD_MONTHS",
        "DISTRIBUTIONS",
    )
}

# The page loads only its own scripts and styles and talks only to this origin.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)


@cache
def page_labels() -> dict[str, dict[str, str]]:
    """``{locale: {key: text}}`` for the label families the page shows."""
    wanted = {
        key: texts for key, texts in table().items() if key.split(".", 1)[0] in LABEL_PREFIXES
    }
    return {locale: {key: texts[locale] for key, texts in wanted.items()} for locale in LOCALES}


def _samples() -> list[dict[str, str]]:
    """The sample cases a new case can copy: file stem, title and language."""
    from api.samples import sample_stems, samples_dir

    items = []
    for stem in sample_stems():
        try:
            document = json.loads((samples_dir() / f"{stem}.json").read_text(encoding="utf-8"))
            title, locale = str(document.get("title", stem)), str(document.get("locale", ""))
        except (OSError, ValueError, AttributeError):
            continue  # an unreadable sample is reported by `samples load`, not here
        items.append({"id": stem, "title": title, "locale": locale})
    return items


@blp.route("/")
def workspace():
    """The single page of the workspace (cases, the four stages, figures, history)."""
    boot = {
        "api": "/api/v1",
        "labels": page_labels(),
        "locales": list(LOCALES),
        "samples": _samples(),
        "enums": ENUMS,
    }
    response = render_template("web/workspace.html", boot=boot)
    return response, 200, _page_headers()


def _page_headers() -> dict[str, str]:
    return {
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-store",
    }


@blp.after_request
def _static_headers(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response


def _root():
    return redirect(url_for("web.workspace"))


def init_app(app: Flask) -> None:
    """Register the workspace at ``/app/`` (and ``/`` as a redirect to it); no key needed."""
    auth.PUBLIC_BLUEPRINTS.add(blp.name)
    auth.PUBLIC_ENDPOINTS.add("web_root")
    app.register_blueprint(blp)
    app.add_url_rule("/", endpoint="web_root", view_func=_root)
