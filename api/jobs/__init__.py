"""Background jobs on RQ (Redis), or in-process without Redis: see :mod:`api.jobs.queue`.

``init_app(app, api)`` registers the document and job resources and the ``worker``
command (``flask --app api worker``).
"""

from __future__ import annotations

from flask import Flask

API_PREFIX = "/api/v1"


def init_app(app: Flask, api) -> None:
    from api.jobs.worker import worker_command
    from api.resources.documents.resources import blp as documents
    from api.resources.jobs.resources import blp as jobs

    api.register_blueprint(documents, url_prefix=API_PREFIX)
    api.register_blueprint(jobs, url_prefix=API_PREFIX)
    app.cli.add_command(worker_command)
