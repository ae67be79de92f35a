"""Published criteria sets: anyone reads them; buyers and admins upload new versions."""

from __future__ import annotations

from flask import request
from flask.views import MethodView
from marshmallow import Schema, fields

from ..services import criteria_sets
from ..services.errors import Invalid, ServiceError, UnsupportedMediaType
from .auth import OPTIONAL_AUTH, SECURED, principal, requires, uow
from .body import Blueprint
from .errors import accepts
from .pagination import PageQuerySchema, page_response, page_schema
from .schemas import DB_INTEGER_MAX

blp = Blueprint("criteria_sets", __name__, url_prefix="/api/v1/criteria-sets",
                description="Jeux de critères publiés")

YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")


class CriteriaSetSummarySchema(Schema):
    id = fields.String(required=True)
    version = fields.Integer(required=True)
    sha256 = fields.String(required=True)
    title = fields.String(required=True)
    category = fields.String(required=True)
    created_at = fields.String(required=True)


class CriteriaSetSchema(CriteriaSetSummarySchema):
    document = fields.Dict(required=True)
    shares = fields.Dict(keys=fields.String(), values=fields.Float(),
                         metadata={"description": "part effective de chaque critère, en %"})
    pillar_shares = fields.Dict(keys=fields.String(), values=fields.Float())
    warnings = fields.List(fields.Dict())


def summary(record) -> dict:
    return {"id": record.set_id, "version": record.version, "sha256": record.sha256,
            "title": record.title, "category": record.category,
            "created_at": record.created_at.isoformat()}


def detail(record, warnings=()) -> dict:
    criteria = criteria_sets.criteria_of(record)
    return {**summary(record), "document": record.document,
            "shares": {p: s * 100 for p, s in criteria.shares().items()},
            "pillar_shares": {p: s * 100 for p, s in criteria.pillar_shares().items()},
            "warnings": list(warnings)}


@blp.route("")
class CriteriaSets(MethodView):
    @blp.doc(security=OPTIONAL_AUTH)
    @blp.arguments(PageQuerySchema, location="query")
    @blp.response(200, page_schema(CriteriaSetSummarySchema))
    def get(self, query):
        """Les jeux de critères publiés, par identifiant et version, par pages."""
        principal()
        return page_response(criteria_sets.page_of_sets(uow(), **query).map(summary))

    @accepts(*YAML_TYPES)
    @requires("buyer", "admin")
    @blp.doc(security=SECURED, requestBody={
        "required": True,
        "content": {"application/yaml": {"schema": {"type": "string"}},
                    "application/json": {"schema": {"type": "object"}}}})
    @blp.response(201, CriteriaSetSchema)
    @blp.alt_response(200, schema=CriteriaSetSchema, description="version identique déjà publiée")
    def post(self):
        """Publier une nouvelle version d'un jeu de critères (YAML ou JSON)."""
        mimetype = request.mimetype
        if mimetype in YAML_TYPES:
            try:
                text = request.get_data().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise Invalid("le fichier de critères doit être en UTF-8") from None
            record, created, warnings = criteria_sets.upload(uow(), principal(), text=text)
        elif mimetype == "application/json":
            document = request.get_json(silent=True)
            if document is None:
                raise ServiceError("corps JSON illisible")
            if not isinstance(document, dict):
                raise Invalid("un objet JSON (le jeu de critères) est attendu")
            record, created, warnings = criteria_sets.upload(uow(), principal(),
                                                             document=document)
        else:
            raise UnsupportedMediaType(f"type de contenu « {mimetype or 'absent'} » non pris en "
                                       "charge : application/yaml ou application/json")
        return detail(record, warnings), 201 if created else 200


@blp.route(f"/<set_id>/versions/<int(max={DB_INTEGER_MAX}):version>")
class CriteriaSetVersion(MethodView):
    @blp.doc(security=OPTIONAL_AUTH)
    @blp.response(200, CriteriaSetSchema)
    def get(self, set_id: str, version: int):
        """Une version publiée, avec les parts effectives de chaque critère et pilier."""
        principal()
        return detail(criteria_sets.get(uow(), set_id, version))
