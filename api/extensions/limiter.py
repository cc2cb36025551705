"""Rate limiting per API key (flask-limiter), 429 problem+json with Retry-After.

Limits are keyed by the authenticated key's public prefix, so one client cannot spend
another's budget by presenting its prefix with a wrong secret; unauthenticated requests
(health, docs) are not counted. Storage is in memory per process unless
``VALUEFRAME_RATE_LIMIT_STORAGE_URI`` names a shared one (e.g. ``redis://...``).
"""

from __future__ import annotations

from flask import Flask, g
from flask_limiter import Limiter

from api.auth import rate_limit_key


def init_app(app: Flask) -> Limiter:
    """Call after :func:`api.auth.init_app`: the key must be known before the limit."""
    config = app.config
    limiter = Limiter(
        key_func=rate_limit_key,
        # one budget per key across all endpoints (default limits count per route)
        application_limits=[lambda: config["VALUEFRAME_RATE_LIMIT"]],
        application_limits_exempt_when=lambda: g.get("principal") is None,
        storage_uri=config["VALUEFRAME_RATE_LIMIT_STORAGE_URI"],
        strategy="moving-window",
        headers_enabled=False,  # it would put Retry-After on every response; see errors.py
        enabled=config["VALUEFRAME_RATE_LIMIT_ENABLED"],
        key_prefix="valueframe",
    )
    limiter.init_app(app)
    app.extensions["valueframe_limiter"] = limiter
    return limiter
