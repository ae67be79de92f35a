"""Entry point for ``gunicorn wsgi:app`` (configuration from SPAR_* variables)."""

from spar import create_app
from spar.serving import settle_worker

app = create_app()
settle_worker()
