"""The web workspace: one page and its static assets, served by the same process at /app/.

The page is a client of the JSON API and nothing else: it signs in with a workspace's API
key (kept in the browser's sessionStorage and sent as ``Authorization: Bearer``), reads and
saves cases through ``/api/v1/cases`` (``If-Match`` on every save) and recomputes live
figures through ``POST /api/v1/compute/evaluate``. No figure is computed here or in the
browser. Everything it loads is served from here - no CDN.

The workspace is a small Flask app of its own, mounted in front of the API's WSGI app
(:func:`init_app`): ``/app/...`` goes to it, ``/`` redirects to it, everything else goes
to the API untouched. So the API's url map, OpenAPI document, auth and rate limits stay
the API's alone, and the page (which carries no data) needs no key. The labels it shows
come from the one translation table (:mod:`valueframe.i18n`): ``web.*`` keys from
``valueframe/data/labels/web.json`` plus the domain vocabulary and the stage-check
findings, embedded in the page in both languages so the language switch needs no round
trip.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from flask import Flask, render_template
from werkzeug.utils import redirect

from valueframe import model
from valueframe.i18n import table
from valueframe.model import LOCALES

PREFIX = "/app"
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


def _samples(folder: Path) -> list[dict[str, str]]:
    """The sample cases a new case can copy (``POST /cases {"sample": id}``)."""
    from api.samples import STEM

    items = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        if not STEM.match(path.stem):
            continue
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            title, locale = str(document.get("title", path.stem)), str(document.get("locale", ""))
        except (OSError, ValueError, AttributeError):
            continue  # an unreadable sample is reported by `samples load`, not here
        items.append({"id": path.stem, "title": title, "locale": locale})
    return items


PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def create_workspace_app(api_app: Flask) -> Flask:
    """The workspace as a WSGI app of its own (mounted at /app by :func:`init_app`)."""
    web = Flask(__name__, static_url_path="/static", static_folder="static")
    web.config["TESTING"] = api_app.config.get("TESTING", False)

    @web.get("/")
    def workspace():
        """The single page of the workspace (cases, the four stages, figures, history)."""
        boot = {
            "api": "/api/v1",
            "labels": page_labels(),
            "locales": list(LOCALES),
            "samples": _samples(Path(api_app.config["SAMPLES_DIR"])),
            "enums": ENUMS,
        }
        return render_template("web/workspace.html", boot=boot), 200, PAGE_HEADERS

    @web.after_request
    def nosniff(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response

    return web


class WorkspaceMount:
    """WSGI: ``/app/...`` to the workspace, ``/`` and ``/app`` redirect to ``/app/``,
    everything else to the API."""

    def __init__(self, api_wsgi, workspace: Flask):
        self.api_wsgi = api_wsgi
        self.workspace = workspace

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path in ("", "/", PREFIX):
            target = environ.get("SCRIPT_NAME", "") + PREFIX + "/"
            return redirect(target)(environ, start_response)
        if path.startswith(PREFIX + "/"):
            environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + PREFIX
            environ["PATH_INFO"] = path[len(PREFIX) :]
            return self.workspace(environ, start_response)
        return self.api_wsgi(environ, start_response)


def init_app(app: Flask) -> None:
    """Serve the workspace at ``/app/`` in front of ``app`` (its url map stays the API's)."""
    workspace = create_workspace_app(app)
    app.extensions["valueframe_workspace"] = workspace
    app.wsgi_app = WorkspaceMount(app.wsgi_app, workspace)
