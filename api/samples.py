"""Sample cases (``samples/*.json``): listing, loading, and the ``samples load`` command.

``flask --app api samples load [--workspace demo]`` stores every sample in the workspace
once: a sample's case id is derived from the workspace and the file stem (uuid5), so a
second run skips what is there. A sample that fails validation is reported and the command
exits non-zero (the valid ones are still loaded).
"""

from __future__ import annotations

import re
import sys
import uuid
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from marshmallow import ValidationError
from sqlalchemy import select

from api.errors import Problem, flatten_messages
from api.extensions.db import db
from api.extensions.json import parse_json
from api.models import Case, Workspace
from valueframe import model
from valueframe.schema import load_case

STEM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")
SAMPLE_NAMESPACE = uuid.UUID("6f1d3c7e-2b8a-5c4e-9d0f-8a7b6c5d4e3f")


def samples_dir() -> Path:
    return Path(current_app.config["SAMPLES_DIR"])


def sample_stems() -> list[str]:
    folder = samples_dir()
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.json") if STEM.match(p.stem))


def read_sample(stem: str) -> dict:
    """The sample's JSON document; Problem 422 naming ``sample`` if there is none."""
    if not STEM.match(stem) or stem not in sample_stems():
        raise Problem(
            422,
            "validation",
            detail=f"no sample named {stem!r}",
            errors=[{"field": "sample", "in": "body", "message": f"no sample named {stem!r}"}],
        )
    return parse_json((samples_dir() / f"{stem}.json").read_bytes())


def load_sample(stem: str) -> model.ValueCase:
    return load_case(read_sample(stem))


def sample_case_id(workspace_id: uuid.UUID, stem: str) -> uuid.UUID:
    return uuid.uuid5(SAMPLE_NAMESPACE, f"{workspace_id}:{stem}")


def load_samples(workspace_name: str, echo=click.echo) -> tuple[int, int, int]:
    """(loaded, skipped, failed) for every sample file."""
    from api.resources.cases.service import add_case

    workspace = db.session.scalar(select(Workspace).where(Workspace.name == workspace_name))
    if workspace is None:
        workspace = Workspace(name=workspace_name)
        db.session.add(workspace)
        db.session.commit()
    loaded = skipped = failed = 0
    for stem in sample_stems():
        case_id = sample_case_id(workspace.id, stem)
        if db.session.get(Case, case_id) is not None:
            skipped += 1
            echo(f"skip    {stem} (already loaded as {case_id})")
            continue
        try:
            case = load_sample(stem)
        except Problem as problem:
            failed += 1
            echo(f"FAILED  {stem}: {problem.detail}", err=True)
            for error in problem.errors or []:
                echo(f"          {error['field']}: {error['message']}", err=True)
            continue
        except ValidationError as error:
            failed += 1
            echo(f"FAILED  {stem}: not a valid case document", err=True)
            for item in flatten_messages(error.messages):
                echo(f"          {item['field']}: {item['message']}", err=True)
            continue
        add_case(workspace.id, case, note=f"sample {stem}", case_id=case_id)
        db.session.commit()
        loaded += 1
        echo(f"loaded  {stem} as {case_id}")
    return loaded, skipped, failed


samples_cli = AppGroup("samples", help="Sample cases.")


@samples_cli.command("load")
@click.option("--workspace", default="demo", show_default=True, help="Target workspace.")
def load_command(workspace: str) -> None:
    """Load samples/*.json into WORKSPACE (idempotent); exit 1 if any sample is invalid."""
    loaded, skipped, failed = load_samples(workspace)
    click.echo(
        f"samples: {loaded} loaded, {skipped} already there, {failed} invalid "
        f"(from {samples_dir()}) into workspace {workspace!r}"
    )
    if failed:
        sys.exit(1)


@samples_cli.command("list")
def list_command() -> None:
    """List the sample files."""
    for stem in sample_stems():
        click.echo(stem)


def init_app(app: Flask) -> None:
    app.cli.add_command(samples_cli)
