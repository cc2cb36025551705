"""Liveness and readiness: ``/healthz`` (the process answers; no database, no key) and
``/readyz`` (the database answers: 200, else 503 problem+json with Retry-After)."""

from __future__ import annotations

from flask.views import MethodView
from sqlalchemy import text

from api.extensions.api import Blueprint
from api.extensions.db import db
from api.resources.health.schemas import HealthSchema

blp = Blueprint("health", __name__, description="Liveness and readiness probes (no key).")


@blp.route("/healthz")
class Healthz(MethodView):
    @blp.doc(security=[])
    @blp.response(200, HealthSchema)
    def get(self):
        """The process is up

        Touches nothing else (no database), so it answers even when PostgreSQL is down.
        """
        return {"status": "ok"}


@blp.route("/readyz")
class Readyz(MethodView):
    @blp.doc(security=[])
    @blp.response(200, HealthSchema)
    @blp.problems(503)
    def get(self):
        """The service can serve requests: the database answers"""
        db.session.execute(text("SELECT 1"))
        db.session.rollback()
        return {"status": "ready", "database": "ok"}
