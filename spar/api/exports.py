"""Exports of a consultation: breakdowns, the RAO, JSON, OCDS and a candidate's letter."""

from __future__ import annotations

from flask import Response
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from ..exports import EXPORTS
from ..services import exports
from .auth import SECURED, principal, requires, uow
from .body import Blueprint

blp = Blueprint("exports", __name__, url_prefix="/api/v1/consultations",
                description="Exports : détail des notes, RAO, OCDS, lettres")


class ExportQuerySchema(Schema):
    format = fields.String(required=True, validate=validate.OneOf(list(EXPORTS)))
    supplier = fields.String(validate=validate.Length(min=1, max=64),
                             metadata={"description": "lettre : identifiant d'offre ou SIRET "
                                                      "(un candidat obtient la sienne)"})


@blp.route("/<reference>/export")
class Export(MethodView):
    @requires("buyer", "auditor", "supplier")
    @blp.doc(security=SECURED, responses={"200": {
        "description": "le fichier, transmis au fil de l'eau",
        "content": {media: {"schema": {"type": "object"} if media == "application/json"
                            else {"type": "string", "format": "binary"}}
                    for media in sorted({e.media_type for e in EXPORTS.values()})}}})
    @blp.arguments(ExportQuerySchema, location="query")
    def get(self, query, reference: str):
        """Exporter la consultation (après la date limite) ; un candidat : sa lettre."""
        chunks, media_type, filename = exports.export(
            uow(), principal(), reference, query["format"], supplier=query.get("supplier"))
        return Response(chunks, mimetype=media_type, headers={
            "Content-Disposition": f'attachment; filename="{filename}"'})
