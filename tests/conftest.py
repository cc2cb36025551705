"""Shared fixtures: ``app`` / ``client`` / ``runner`` for the API, on SQLite AND PostgreSQL.

``app`` is parametrised over both backends, built once per session and backend, its schema
created by the real migrations. PostgreSQL runs in a schema of its own per session (other
test runs can share the database); it must be reachable: the tests fail, never skip,
when it is not (``make test`` starts it). Each test starts from empty tables.
"""

from __future__ import annotations

import os
import uuid

import pytest

POSTGRES_URL = os.environ.get(
    "VALUEFRAME_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BACKENDS = ("sqlite", "postgres")


def _postgres_admin(url: str):
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return psycopg.connect(
        host=parsed.host or "127.0.0.1",
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password,
        dbname=parsed.database or "test",
        connect_timeout=5,
        autocommit=True,
    )


def make_app(backend: str, tmp_path_factory, **overrides):
    """A migrated app on ``backend``; returns (app, finalizer)."""
    import flask_migrate

    from api import create_app
    from api.extensions.db import db

    config = {
        "TESTING": True,
        "SECRET_KEY": "test",
        "SAMPLES_DIR": os.environ.get("VALUEFRAME_TEST_SAMPLES_DIR")
        or os.path.join(os.path.dirname(os.path.dirname(__file__)), "samples"),
    }
    schema = None
    if backend == "sqlite":
        folder = tmp_path_factory.mktemp("sqlite")
        config["DATABASE_URL"] = f"sqlite:///{folder / 'test.sqlite3'}"
    else:
        schema = f"vf_test_{uuid.uuid4().hex[:12]}"
        with _postgres_admin(POSTGRES_URL) as connection:
            connection.execute(f'CREATE SCHEMA "{schema}"')
        config["DATABASE_URL"] = POSTGRES_URL
        config["VALUEFRAME_DB_SCHEMA"] = schema
    config.update(overrides)
    app = create_app(config)
    with app.app_context():
        flask_migrate.upgrade()

    def finalize():
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if schema:
            with _postgres_admin(POSTGRES_URL) as connection:
                connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')

    return app, finalize


def clear_tables(app) -> None:
    from api.extensions.db import db

    with app.app_context():
        # every table of the models, children first; DELETE beats TRUNCATE at this size
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
        db.session.remove()
    app.extensions["valueframe_limiter"].reset()


@pytest.fixture(scope="session", params=BACKENDS)
def app(request, tmp_path_factory):
    app, finalize = make_app(request.param, tmp_path_factory)
    app.config["TEST_BACKEND"] = request.param
    yield app
    finalize()


@pytest.fixture(scope="session")
def app_factory(tmp_path_factory):
    """app_factory(backend, **config) -> a separate migrated app (finalised at the end)."""
    finalizers = []

    def build(backend: str, **overrides):
        new_app, finalize = make_app(backend, tmp_path_factory, **overrides)
        new_app.config["TEST_BACKEND"] = backend
        finalizers.append(finalize)
        return new_app

    yield build
    for finalize in finalizers:
        finalize()


@pytest.fixture
def client(app):
    clear_tables(app)
    return app.test_client()


@pytest.fixture
def runner(app):
    clear_tables(app)
    return app.test_cli_runner()


@pytest.fixture
def make_key(app, client):
    """make_key(workspace="acme", name="") -> a full API key of that workspace."""
    from api.auth import create_key

    def make(workspace: str = "acme", name: str = "") -> str:
        with app.app_context():
            full, _ = create_key(workspace, name)
        return full

    return make


@pytest.fixture
def auth(make_key):
    """Authorization headers of a key of workspace "acme"."""
    return {"Authorization": f"Bearer {make_key('acme')}"}
