"""API keys: ``Authorization: Bearer vf_<prefix>_<secret>``, one workspace per key.

Only sha256(secret) is stored; the prefix (public, indexed) finds the row and the hashes
are compared with :func:`hmac.compare_digest`. A missing, malformed, unknown or revoked key
is a 401 with a ``WWW-Authenticate: Bearer`` challenge; the same answer for all four, so
the response says nothing about which keys exist. Every ``/api/v1`` endpoint needs a key
except the OpenAPI document and the docs page; ``/healthz`` and ``/readyz`` need none.

CLI: ``flask --app api keys create --workspace NAME [--name LABEL]`` (prints the key once),
``keys revoke PREFIX``, ``keys list``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid
from dataclasses import dataclass

import click
from flask import Flask, g, request
from flask.cli import AppGroup
from sqlalchemy import select

from api.errors import Problem
from api.extensions.db import db
from api.models import ApiKey, Workspace, utcnow

KEY_PATTERN = re.compile(r"^vf_([0-9a-f]{12})_([A-Za-z0-9_-]{20,128})$")
PUBLIC_BLUEPRINTS = {"health", "api-docs"}  # probes, the OpenAPI document and docs page
PUBLIC_ENDPOINTS = {"docs_assets"}


@dataclass(frozen=True)
class Principal:
    """Who is calling: the workspace and the key's public prefix."""

    workspace_id: uuid.UUID
    key_prefix: str


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_key() -> tuple[str, str, str]:
    """(full key, prefix, sha256 of the secret)."""
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    return f"vf_{prefix}_{secret}", prefix, hash_secret(secret)


def create_key(workspace_name: str, name: str = "") -> tuple[str, ApiKey]:
    """Create a key (and its workspace if new); returns the full key, shown only once."""
    workspace = db.session.scalar(select(Workspace).where(Workspace.name == workspace_name))
    if workspace is None:
        workspace = Workspace(name=workspace_name)
        db.session.add(workspace)
        db.session.flush()
    full, prefix, key_hash = new_key()
    key = ApiKey(workspace_id=workspace.id, prefix=prefix, key_hash=key_hash, name=name)
    db.session.add(key)
    db.session.commit()
    return full, key


def _unauthorized(detail: str) -> Problem:
    return Problem(
        401,
        detail=detail,
        headers={"WWW-Authenticate": 'Bearer realm="valueframe"'},
    )


def authenticate() -> Principal:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if not header:
        raise _unauthorized("send an API key: Authorization: Bearer vf_...")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("use the Bearer scheme: Authorization: Bearer vf_...")
    match = KEY_PATTERN.match(token.strip())
    # Hash even when the key is malformed so timing says little about why it failed.
    secret = match.group(2) if match else token
    presented = hash_secret(secret)
    row = None
    if match:
        row = db.session.execute(
            select(ApiKey.workspace_id, ApiKey.key_hash, ApiKey.revoked_at).where(
                ApiKey.prefix == match.group(1)
            )
        ).first()
    stored = row.key_hash if row else hash_secret(secrets.token_urlsafe(32))
    if not hmac.compare_digest(presented, stored) or row is None or row.revoked_at is not None:
        raise _unauthorized("the API key is not valid (unknown, malformed or revoked)")
    return Principal(workspace_id=row.workspace_id, key_prefix=match.group(1))


def _needs_key() -> bool:
    endpoint = request.endpoint
    if endpoint is None or request.method == "OPTIONS":
        return False  # no route: 404/405 without asking for a key
    return not (endpoint in PUBLIC_ENDPOINTS or request.blueprint in PUBLIC_BLUEPRINTS)


def before_request() -> None:
    if _needs_key():
        g.principal = authenticate()


def current_workspace_id() -> uuid.UUID:
    return g.principal.workspace_id


def rate_limit_key() -> str:
    principal = g.get("principal")
    return f"key:{principal.key_prefix}" if principal else f"ip:{request.remote_addr}"


def _bounded(value: str, limit: int, name: str) -> str:
    if len(value) > limit or "\x00" in value:
        raise click.BadParameter(f"at most {limit} characters, no NUL", param_hint=name)
    return value


keys_cli = AppGroup("keys", help="Create, revoke and list API keys.")


@keys_cli.command("create")
@click.option(
    "--workspace",
    required=True,
    type=click.STRING,
    callback=lambda ctx, param, value: _bounded(value, 200, param.name),
    help="Workspace name (created if new).",
)
@click.option(
    "--name",
    default="",
    callback=lambda ctx, param, value: _bounded(value, 200, param.name),
    help="A label for the key.",
)
def create_command(workspace: str, name: str) -> None:
    """Create a key and print it once (only its hash is stored)."""
    full, key = create_key(workspace, name)
    click.echo(full)
    click.echo(
        f"key {key.prefix} for workspace {workspace!r} - store it now, it is not shown again",
        err=True,
    )


@keys_cli.command("revoke")
@click.argument("prefix")
def revoke_command(prefix: str) -> None:
    """Revoke the key whose public prefix is PREFIX."""
    key = db.session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
    if key is None:
        raise click.ClickException(f"no key with prefix {prefix!r}")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        db.session.commit()
    click.echo(f"revoked {prefix}")


@keys_cli.command("check")
@click.argument("key")
def check_command(key: str) -> None:
    """Exit 0 if KEY is a valid, unrevoked key (used by scripts/serve.sh)."""
    match = KEY_PATTERN.match(key.strip())
    row = None
    if match:
        row = db.session.execute(
            select(ApiKey.key_hash, ApiKey.revoked_at).where(ApiKey.prefix == match.group(1))
        ).first()
    valid = (
        row is not None
        and row.revoked_at is None
        and hmac.compare_digest(hash_secret(match.group(2)), row.key_hash)
    )
    if not valid:
        raise click.ClickException("not a valid key")
    click.echo("valid")


@keys_cli.command("list")
def list_command() -> None:
    """List keys: prefix, workspace, name, created, revoked."""
    rows = db.session.execute(
        select(ApiKey, Workspace.name)
        .join(Workspace, ApiKey.workspace_id == Workspace.id)
        .order_by(Workspace.name, ApiKey.created_at)
    ).all()
    for key, workspace in rows:
        revoked = key.revoked_at.isoformat() if key.revoked_at else "active"
        click.echo(
            f"{key.prefix}\t{workspace}\t{key.name or '-'}\t{key.created_at.isoformat()}\t{revoked}"
        )


def init_app(app: Flask) -> None:
    app.before_request(before_request)
    app.cli.add_command(keys_cli)
