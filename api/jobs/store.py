"""The document store: a folder (``VALUEFRAME_DOCUMENT_DIR``, default ``instance/documents``).

Every output has ONE path, fixed by what it is: ``<workspace>/<job>/<case>-v<version>-
<document>-<lang>.pdf`` for a render, ``<workspace>/<job>/results-<index>.json`` for a
chunk of results. It is written to a temporary file in the same folder and renamed over
the target, so a reader never sees half a file and a retried item overwrites its own
output instead of adding a second one. Workers on several machines need the folder on a
shared filesystem (NFS or similar) that the API can read too.
"""

from __future__ import annotations

import json
import os
import tempfile
import uuid
from pathlib import Path

from flask import current_app


def root() -> Path:
    return Path(current_app.config["VALUEFRAME_DOCUMENT_DIR"])


def render_path(
    workspace_id: uuid.UUID,
    job_id: uuid.UUID,
    case_id: uuid.UUID,
    version: int,
    document: str,
    lang: str,
) -> str:
    return f"{workspace_id.hex}/{job_id.hex}/{case_id.hex}-v{version}-{document}-{lang}.pdf"


def results_path(workspace_id: uuid.UUID, job_id: uuid.UUID, index: int) -> str:
    return f"{workspace_id.hex}/{job_id.hex}/results-{index:05d}.json"


def resolve(relative: str) -> Path:
    """The absolute path of a stored file; refuses anything that leaves the store."""
    base = root().resolve()
    target = (base / relative).resolve()
    if base not in target.parents:
        raise ValueError(f"{relative!r} is outside the document store")
    return target


def write_atomic(relative: str, data: bytes) -> int:
    """Write ``data`` at ``relative`` (temp file + fsync + rename); returns its size."""
    target = resolve(relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return len(data)


def write_json(relative: str, value) -> int:
    # the app's JSON provider: Decimal money as strings, no NaN/Infinity
    data = current_app.json.dumps(value, separators=(",", ":")).encode("utf-8")
    return write_atomic(relative, data)


def read_json(relative: str):
    return json.loads(resolve(relative).read_bytes())
