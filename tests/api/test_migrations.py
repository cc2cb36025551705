"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

import os
import subprocess
import sys
from pathlib import Path

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

REPO = Path(__file__).resolve().parents[2]


def _diff(app):
    from api.extensions.db import db

    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        return compare_metadata(context, db.metadata)


def test_migrated_schema_matches_the_models(app_factory, app):
    fresh = app_factory(app.config["TEST_BACKEND"])  # migrated with `db upgrade`
    assert _diff(fresh) == []


def test_downgrade_and_upgrade_again(app_factory, app):
    from api.extensions.db import db

    fresh = app_factory(app.config["TEST_BACKEND"])
    with fresh.app_context():
        flask_migrate.downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        flask_migrate.upgrade()
    assert _diff(fresh) == []


def test_cli_upgrade_samples_and_keys_on_a_fresh_file(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "SAMPLES_DIR": str(REPO / "samples"),
    }

    def flask(*args):
        return subprocess.run(
            [sys.executable, "-m", "flask", "--app", "api", *args],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    upgrade = flask("db", "upgrade")
    assert upgrade.returncode == 0, upgrade.stderr
    loaded = flask("samples", "load")
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    assert " 0 invalid" in loaded.stdout
    again = flask("samples", "load")
    assert again.returncode == 0 and " 0 loaded" in again.stdout
    key = flask("keys", "create", "--workspace", "demo")
    assert key.returncode == 0 and key.stdout.startswith("vf_")
