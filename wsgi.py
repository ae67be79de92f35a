"""Entry point for ``gunicorn wsgi:app`` (configuration from SPAR_* variables)."""

from spar import create_app

app = create_app()
