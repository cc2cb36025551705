"""The database handle (Flask-SQLAlchemy with typed SQLAlchemy 2 models) and migrations."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase

# Named constraints, so migrations can alter them on every backend (SQLite batch mode).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
log = logging.getLogger("api.db")


def engine_options(config: dict) -> dict:
    """Engine options per backend: fail fast when PostgreSQL is down, WAL for SQLite."""
    url = make_url(config["SQLALCHEMY_DATABASE_URI"])
    options: dict = {"pool_pre_ping": True}
    if url.get_backend_name() == "postgresql":
        timeout = config["VALUEFRAME_DB_CONNECT_TIMEOUT"]
        statement_ms = config["VALUEFRAME_DB_STATEMENT_TIMEOUT_MS"]
        connect_args = {
            "connect_timeout": timeout,
            "options": f"-c statement_timeout={statement_ms}",
        }
        schema = config.get("VALUEFRAME_DB_SCHEMA")
        if schema:  # tests run in a schema of their own
            connect_args["options"] += f" -c search_path={schema}"
        options.update(connect_args=connect_args, pool_timeout=timeout, pool_recycle=1800)
    elif url.get_backend_name() == "sqlite":
        options["connect_args"] = {"timeout": 30}
    options.update(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    return options


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _remove_session(_exc) -> None:
    """End the request's session without letting a dead connection escape.

    Flask-SQLAlchemy's own teardown closes the session, which rolls back; on a connection
    the server has dropped (PostgreSQL restarted, the backend terminated) that rollback
    raises out of the WSGI app after the response was made, and the client gets a bare
    500 instead of the 503 (or 200) it was given. Runs before that teardown (Flask runs
    them in reverse order); a dead connection is invalidated instead of rolled back.
    """
    try:
        db.session.remove()
    except sa_exc.DBAPIError as error:
        log.warning("discarding a dead database connection: %s", type(error.orig).__name__)
        try:
            db.session().invalidate()
        finally:
            db.session.registry.clear()


def init_app(app: Flask) -> None:
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config)
    db.init_app(app)
    app.teardown_appcontext(_remove_session)  # after db.init_app: it runs first
    migrations = str(Path(__file__).resolve().parent.parent / "migrations")
    migrate.init_app(app, db, directory=migrations, render_as_batch=True, compare_type=True)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)
