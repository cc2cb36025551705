"""The REST API: ``flask --app api ...`` or gunicorn ``'api:create_app()'``."""

from api.app import create_app

__all__ = ["create_app"]
