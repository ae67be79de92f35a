"""Liveness and readiness (SPEC §9)."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from marshmallow import Schema, fields

from ..services.health import readiness
from .auth import OPTIONAL_AUTH, uow
from .body import Blueprint

blp = Blueprint("health", __name__, url_prefix="/api/v1", description="État du service")


class HealthSchema(Schema):
    status = fields.String(required=True)


class ReadinessSchema(Schema):
    status = fields.String(required=True, metadata={"description": "ok ou unavailable"})
    database = fields.String(required=True, metadata={"description": "ok ou unreachable"})
    redis = fields.String(metadata={"description": "ok ou unreachable (si Redis est configuré)"})
    message = fields.String(metadata={"description": "ce qui ne répond pas, en clair"})


LABELS = {"database": "la base de données", "redis": "Redis"}


@blp.route("/healthz")
class Health(MethodView):
    @blp.doc(security=OPTIONAL_AUTH)
    @blp.response(200, HealthSchema)
    def get(self):
        """Le processus répond-il ? (sans consulter la base : voir /readyz)"""
        return {"status": "ok"}


@blp.route("/readyz")
class Ready(MethodView):
    @blp.doc(security=OPTIONAL_AUTH)
    @blp.response(200, ReadinessSchema)
    @blp.alt_response(503, schema=ReadinessSchema,
                      description="la base de données ou Redis ne répond pas")
    def get(self):
        """Le service peut-il servir : sa base de données et Redis (s'il est configuré)
        répondent-ils ?"""
        parts = readiness(uow(), current_app.config.get("REDIS_URL"))
        down = [name for name, state in parts.items() if state != "ok"]
        if down:
            message = " et ".join(LABELS[name] for name in down) + " ne répond pas"
            if len(down) > 1:
                message = message.replace("ne répond pas", "ne répondent pas")
            retry = str(current_app.config["DATABASE_RETRY_AFTER"])
            return ({"status": "unavailable", **parts, "message": message}, 503,
                     {"Retry-After": retry})
        return {"status": "ok", **parts}
