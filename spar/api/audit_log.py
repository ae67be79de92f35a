"""The hash-chained audit log, for auditors (their organisation) and admins (everything)."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from ..services import audit_views
from ..services.pagination import Page
from .auth import SECURED, principal, requires, uow
from .body import Blueprint
from .pagination import PageQuerySchema, page_response, page_schema
from .schemas import DB_INTEGER_MAX, within_calendar

#: An action (``offer.submit``) or a family of actions (``offer``).
ACTION = r"^[a-z_]{1,40}(\.[a-z_]{1,40})?$"

blp = Blueprint("audit_log", __name__, url_prefix="/api/v1", description="Journal d'audit")


class AuditQuerySchema(PageQuerySchema):
    consultation = fields.String(validate=validate.Length(min=1, max=64))
    token_id = fields.Integer(validate=validate.Range(min=1, max=DB_INTEGER_MAX),
                              metadata={"description": "auteur (identifiant du jeton)"})
    action = fields.String(
        validate=validate.Regexp(ACTION, error="une action (offer.submit) ou une famille "
                                 "d'actions (offer) : lettres minuscules et « _ »"),
        metadata={"description": "une action (``offer.submit``) ou une famille d'actions "
                  "(``offer`` : toutes les ``offer.…``)"})
    since = fields.AwareDateTime(validate=within_calendar,
                                 metadata={"description": "à partir de (ISO 8601, avec fuseau)"})
    until = fields.AwareDateTime(validate=within_calendar,
                                 metadata={"description": "avant (ISO 8601, avec fuseau)"})
    verify = fields.Boolean(load_default=False,
                            metadata={"description": "vérifier aussi toute la chaîne, ses "
                                      "signatures et chaque enregistrement contre l'empreinte "
                                      "que le journal en garde"})
    checkpoint = fields.List(
        fields.String(validate=validate.Length(max=100)), validate=validate.Length(max=50),
        load_default=list,
        metadata={"description": "tête signée conservée par le contrôleur, sous la forme "
                  "TAILLE:EMPREINTE (répétable) : la vérification dit si le journal la "
                  "contient toujours (fin supprimée ou chaîne réécrite sinon)"})


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
    key_id = fields.String(allow_none=True, metadata={"description": "clé qui a signé"})
    signature = fields.String(allow_none=True, metadata={
        "description": "signature Ed25519 de la tête du journal après cette entrée"})


class SignedHeadSchema(Schema):
    log = fields.String(required=True)
    size = fields.Integer(required=True, metadata={"description": "nombre d'entrées couvertes"})
    head = fields.String(required=True, metadata={"description": "empreinte de la dernière"})
    timestamp = fields.String(required=True)
    algorithm = fields.String(required=True)
    key_id = fields.String(required=True)
    signature = fields.String(required=True, metadata={
        "description": "Ed25519 sur le JSON canonique {log, size, head, timestamp}"})
    public_key = fields.String(allow_none=True)
    demo_key = fields.Boolean(required=True, metadata={
        "description": "vrai : clé de démonstration publique, sans valeur probante"})


class AuditPageSchema(page_schema(AuditEntrySchema)):
    chain = fields.Dict(allow_none=True, metadata={
        "description": "avec verify : intact, checked, first_broken, head (tête signée), "
                       "demo_key, records, record_problems, record_problem_count, checkpoints"})


@blp.route("/audit-log")
class AuditLog(MethodView):
    @requires("audit_log.read")
    @blp.doc(security=SECURED)
    @blp.arguments(AuditQuerySchema, location="query")
    @blp.response(200, AuditPageSchema)
    def get(self, query):
        """Les entrées du journal, filtrées par consultation, auteur et période, par pages."""
        query["checkpoints"] = audit_views.parse_kept(query.pop("checkpoint"))
        found = audit_views.page(uow(), principal(), **query)
        return page_response(Page(found["entries"], found["page"], found["per_page"],
                                  found["total"]), chain=found["chain"])


@blp.route("/audit-log/checkpoint")
class Checkpoint(MethodView):
    @requires("audit_log.read")
    @blp.doc(security=SECURED)
    @blp.response(200, SignedHeadSchema)
    def get(self):
        """La dernière tête signée du journal, à conserver hors de spar : elle prouvera plus
        tard que le journal n'a été ni tronqué ni réécrit (``checkpoint=TAILLE:EMPREINTE``)."""
        return audit_views.checkpoint(uow(), principal())
