"""Configuration: one class read from the environment, with safe defaults.

Every variable is documented in the README ("Configuration"). ``create_app(test_config)``
applies a mapping on top, so tests never touch the environment.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise RuntimeError(f"{name} must be an integer, got {raw!r}") from None


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return raw.strip().lower() in ("1", "true", "yes", "on")


def from_environment(instance_path: str) -> dict:
    """The configuration mapping for an app whose instance folder is ``instance_path``."""
    database_url = os.environ.get("DATABASE_URL") or (
        f"sqlite:///{Path(instance_path) / 'valueframe.sqlite3'}"
    )
    # Heroku-style URLs name the old driver; we ship psycopg 3.
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgres://") :]
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://") :]
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY") or os.urandom(32).hex(),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "VALUEFRAME_DB_SCHEMA": os.environ.get("VALUEFRAME_DB_SCHEMA") or None,
        "VALUEFRAME_DB_CONNECT_TIMEOUT": _int("VALUEFRAME_DB_CONNECT_TIMEOUT", 3),
        "VALUEFRAME_DB_STATEMENT_TIMEOUT_MS": _int("VALUEFRAME_DB_STATEMENT_TIMEOUT_MS", 30_000),
        "VALUEFRAME_MAX_BODY_BYTES": _int("VALUEFRAME_MAX_BODY_BYTES", 2 * MIB),
        "VALUEFRAME_MAX_BATCH_BODY_BYTES": _int("VALUEFRAME_MAX_BATCH_BODY_BYTES", 64 * MIB),
        "VALUEFRAME_MAX_IMPORT_BODY_BYTES": _int("VALUEFRAME_MAX_IMPORT_BODY_BYTES", 64 * MIB),
        "VALUEFRAME_BATCH_MAX_ROWS": _int("VALUEFRAME_BATCH_MAX_ROWS", 100_000),
        "VALUEFRAME_BATCH_MAX_PERIODS": _int("VALUEFRAME_BATCH_MAX_PERIODS", 600),
        "VALUEFRAME_BATCH_MAX_CELLS": _int("VALUEFRAME_BATCH_MAX_CELLS", 6_000_000),
        "VALUEFRAME_SIMULATION_BUDGET": _int("VALUEFRAME_SIMULATION_BUDGET", 60_000_000),
        "VALUEFRAME_RATE_LIMIT": os.environ.get("VALUEFRAME_RATE_LIMIT") or "1200/minute",
        "VALUEFRAME_RATE_LIMIT_STORAGE_URI": (
            os.environ.get("VALUEFRAME_RATE_LIMIT_STORAGE_URI") or "memory://"
        ),
        "VALUEFRAME_RATE_LIMIT_ENABLED": _bool("VALUEFRAME_RATE_LIMIT_ENABLED", True),
        "VALUEFRAME_IDEMPOTENCY_LOCK_SECONDS": _int("VALUEFRAME_IDEMPOTENCY_LOCK_SECONDS", 60),
        "VALUEFRAME_IDEMPOTENCY_TTL_HOURS": _int("VALUEFRAME_IDEMPOTENCY_TTL_HOURS", 24),
        "VALUEFRAME_RETRY_AFTER_SECONDS": _int("VALUEFRAME_RETRY_AFTER_SECONDS", 5),
        "SAMPLES_DIR": os.environ.get("SAMPLES_DIR") or str(REPO_ROOT / "samples"),
        "VALUEFRAME_LOG_LEVEL": os.environ.get("VALUEFRAME_LOG_LEVEL") or "INFO",
        **_jobs(instance_path),
    }


def _jobs(instance_path: str) -> dict:
    """The job queue and the document store (README "Running at scale")."""
    return {
        # unset: jobs run in-process, inside the request that creates them
        "VALUEFRAME_REDIS_URL": os.environ.get("VALUEFRAME_REDIS_URL") or None,
        "VALUEFRAME_DOCUMENT_DIR": os.environ.get("VALUEFRAME_DOCUMENT_DIR")
        or str(Path(instance_path) / "documents"),
        "VALUEFRAME_JOB_TIMEOUT": _int("VALUEFRAME_JOB_TIMEOUT", 300),
        "VALUEFRAME_JOB_RETRIES": _int("VALUEFRAME_JOB_RETRIES", 2),
        "VALUEFRAME_JOB_LEASE_SECONDS": _int("VALUEFRAME_JOB_LEASE_SECONDS", 30),
        "VALUEFRAME_RENDER_BATCH_MAX": _int("VALUEFRAME_RENDER_BATCH_MAX", 1000),
        "VALUEFRAME_JOB_BATCH_CHUNK_ROWS": _int("VALUEFRAME_JOB_BATCH_CHUNK_ROWS", 10_000),
        "VALUEFRAME_JOB_SIMULATION_BUDGET": _int("VALUEFRAME_JOB_SIMULATION_BUDGET", 600_000_000),
    }
