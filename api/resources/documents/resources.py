"""PDF documents: rendered in the request (a stored case or a posted one) or stored by a
render job and downloaded.

``GET /cases/{id}/proposal.pdf`` (and ``briefing.pdf``) renders the case's current version,
or ``?version=``, in ``?lang=`` (default: the case's locale). The weak ETag names the case,
version, document, language, methodology and day (the cover carries the date), so a
client that sends it back with ``If-None-Match`` gets a 304 without a render.
``POST /compute/proposal.pdf`` renders a posted case document (nothing stored). Errors:
a document past a render limit is a 422 naming the field; a render that runs out of time
or a server without the CJK font is a 503.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid

from flask import current_app, g, make_response, request, send_file
from marshmallow import fields, validate
from sqlalchemy import select

from api.errors import Problem
from api.extensions.api import Blueprint, StrictSchema
from api.extensions.db import db
from api.jobs import store
from api.jobs.service import parse_id
from api.jobs.tasks import pdf_filename
from api.resources.cases import service as cases
from api.resources.evaluation import evaluate_case
from api.resources.jobs.models import Job, JobItem
from valueframe import model
from valueframe.evaluation import METHODOLOGY_VERSION
from valueframe.schema import ValueCaseSchema, load_case

blp = Blueprint(
    "documents",
    __name__,
    description="PDF documents: rendered on request, or stored by render jobs.",
)

PDF = "application/pdf"
PDF_RESPONSE = {"type": "string", "format": "binary"}
PDF_HEADERS = {
    "Content-Disposition": {
        "description": 'attachment; filename="proposal-<title>-v<version>-<lang>.pdf"',
        "schema": {"type": "string"},
    },
}
ETAG_HEADER = {
    "ETag": {"description": "Weak; send it as If-None-Match", "schema": {"type": "string"}}
}


class PdfArgsSchema(StrictSchema):
    lang = fields.String(
        validate=validate.OneOf(model.LOCALES),
        metadata={"description": "zh-CN or en; default: the case's locale"},
    )


class CasePdfArgsSchema(PdfArgsSchema):
    version = fields.Integer(
        validate=validate.Range(min=1, max=2_147_483_647),
        metadata={"description": "The version to render; default: the current one"},
    )


def _ws() -> uuid.UUID:
    return g.principal.workspace_id


def render_pdf(document: str, case, lang: str | None) -> bytes:
    """Evaluate and render in the request; render errors as problems."""
    from pdf_templates import (
        DocumentTooLarge,
        EvaluationMismatch,
        FontMissing,
        RenderError,
        RenderTimeout,
        render,
    )

    evaluation = evaluate_case(case)
    try:
        return render(document, case, evaluation, lang or case.locale)
    except RenderTimeout as error:
        raise Problem(
            503,
            "service-unavailable",
            detail=f"{error}; render it as a job instead: POST /api/v1/cases/{{id}}/renders",
        ) from None
    except DocumentTooLarge as error:
        raise Problem(
            422,
            "validation",
            detail=f"the {document} would be too large: {error}",
            errors=[{"field": error.field, "in": "body", "message": str(error)}],
        ) from None
    except FontMissing as error:
        current_app.logger.error("cannot render: %s", error)
        raise Problem(
            503, "service-unavailable", detail="this server cannot render documents right now"
        ) from None
    except (EvaluationMismatch, RenderError):
        current_app.logger.exception("render of a %s failed", document)
        raise Problem(500, "internal", detail="the document could not be rendered") from None


def _pdf_response(pdf: bytes, filename: str, etag: str | None = None):
    response = make_response(pdf)
    response.mimetype = PDF
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-cache"
    if etag:
        response.set_etag(etag, weak=True)
    return response


def _case_pdf(document: str, args: dict, case_id: uuid.UUID):
    row = cases.get_case(_ws(), case_id)
    number = args.get("version", row.version)
    stored = row.document if number == row.version else None
    if stored is None:
        stored = cases.get_version(_ws(), case_id, number).document
    lang = args.get("lang") or stored.get("locale") or "en"
    today = dt.date.today().isoformat()
    tag = hashlib.sha256(
        f"{row.id}|{number}|{document}|{lang}|{METHODOLOGY_VERSION}|{today}".encode()
    ).hexdigest()[:32]
    if request.if_none_match and request.if_none_match.contains_weak(tag):
        response = make_response("", 304)
        response.set_etag(tag, weak=True)
        return response
    pdf = render_pdf(document, load_case(stored), lang)
    return _pdf_response(pdf, pdf_filename(row.title, document, number, lang), tag)


def _case_pdf_view(document: str):
    @blp.arguments(CasePdfArgsSchema, location="query")
    @blp.response(200, PDF_RESPONSE, content_type=PDF, headers={**PDF_HEADERS, **ETAG_HEADER})
    @blp.alt_response(304, description="Not modified (If-None-Match)")
    @blp.problems(401, 404, 422, 429, 503)
    def view(args, case_id):
        return _case_pdf(document, args, case_id)

    view.__name__ = f"case_{document}_pdf"
    view.__doc__ = (
        f"The case's {document} as a PDF\n\n"
        f"{'Customer-facing' if document == 'proposal' else 'Internal, for the rep'}; "
        "``lang`` zh-CN or en (default: the case's locale), ``version`` (default: the "
        "current one). Every figure in it is the evaluation's."
    )
    blp.route(f"/cases/<uuid:case_id>/{document}.pdf", methods=["GET"])(view)


def _compute_pdf_view(document: str):
    @blp.arguments(PdfArgsSchema, location="query", as_kwargs=True)
    @blp.arguments(ValueCaseSchema)
    @blp.response(200, PDF_RESPONSE, content_type=PDF, headers=PDF_HEADERS)
    @blp.problems(400, 401, 413, 415, 422, 429, 503)
    def view(case, **query):
        lang = query.get("lang") or case.locale
        pdf = render_pdf(document, case, lang)
        return _pdf_response(pdf, pdf_filename(case.title, document, None, lang))

    view.__name__ = f"compute_{document}_pdf"
    view.__doc__ = (
        f"Render the {document} of a posted case document (nothing stored)\n\n"
        "The body is a whole case document, as for ``POST /compute/evaluate``."
    )
    blp.route(f"/compute/{document}.pdf", methods=["POST"])(view)


for _name in ("proposal", "briefing"):
    _case_pdf_view(_name)
    _compute_pdf_view(_name)


@blp.route("/documents/<document_id>", endpoint="download")
@blp.response(200, PDF_RESPONSE, content_type=PDF, headers=PDF_HEADERS)
@blp.problems(401, 404, 429)
def download(document_id):
    """Download a document a render job stored (its id is in the job's ``documents``)"""
    item = db.session.scalar(
        select(JobItem)
        .join(Job, Job.id == JobItem.job_id)
        .where(
            JobItem.id == parse_id(document_id, "document"),
            Job.workspace_id == _ws(),
            Job.kind == "render",
            JobItem.state == "finished",
        )
    )
    if item is None or not item.path:
        raise Problem(404, detail="no such document in this workspace")
    try:
        path = store.resolve(item.path)
    except ValueError:
        raise Problem(404, detail="no such document in this workspace") from None
    if not path.is_file():
        current_app.logger.error("document %s of job %s: file missing", item.id, item.job_id)
        raise Problem(404, detail="the document's file is gone from the store")
    response = send_file(
        path,
        mimetype=PDF,
        as_attachment=True,
        download_name=item.filename,
        etag=True,
        conditional=True,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-cache"
    return response
