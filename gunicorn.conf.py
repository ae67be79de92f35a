"""Production settings for ``gunicorn wsgi:app`` (see spar/serving/gunicorn_config.py, which
``spar serve`` uses too); every value can be overridden on the command line or with
GUNICORN_CMD_ARGS."""

from spar.serving import gunicorn_config

gunicorn_config.prepare_metrics_dir()
globals().update(gunicorn_config.settings())
globals().update(gunicorn_config.HOOKS)
