"""The hash-chained audit log, for auditors (their organisation) and admins (everything)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..services import audit_views
from .auth import SECURED, principal, requires, uow
from .schemas import DB_INTEGER_MAX, within_calendar

blp = Blueprint("audit_log", __name__, url_prefix="/api/v1", description="Journal d'audit")


class AuditQuerySchema(Schema):
    consultation = fields.String(validate=validate.Length(min=1, max=64))
    token_id = fields.Integer(validate=validate.Range(min=1, max=DB_INTEGER_MAX),
                              metadata={"description": "auteur (identifiant du jeton)"})
    since = fields.AwareDateTime(validate=within_calendar,
                                 metadata={"description": "à partir de (ISO 8601, avec fuseau)"})
    until = fields.AwareDateTime(validate=within_calendar,
                                 metadata={"description": "avant (ISO 8601, avec fuseau)"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    verify = fields.Boolean(load_default=False,
                            metadata={"description": "vérifier aussi toute la chaîne"})


class AuditEntrySchema(Schema):
    id = fields.Integer(required=True)
    at = fields.String(required=True)
    token_id = fields.Integer(allow_none=True)
    role = fields.String(allow_none=True)
    action = fields.String(required=True)
    target = fields.String(allow_none=True)
    consultation = fields.String(allow_none=True)
    organisation_id = fields.Integer(allow_none=True)
    content_sha256 = fields.String(allow_none=True)
    details = fields.Dict()
    prev_hash = fields.String(required=True)
    entry_hash = fields.String(required=True)


class AuditPageSchema(Schema):
    entries = fields.List(fields.Nested(AuditEntrySchema), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    chain = fields.Dict(allow_none=True)


@blp.route("/audit-log")
class AuditLog(MethodView):
    @requires("auditor", "admin")
    @blp.doc(security=SECURED)
    @blp.arguments(AuditQuerySchema, location="query")
    @blp.response(200, AuditPageSchema)
    def get(self, query):
        """Les entrées du journal, filtrées par consultation, auteur et période, par pages."""
        return audit_views.page(uow(), principal(), **query)
