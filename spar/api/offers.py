"""Sealed offers and the buyers' marks on them."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from ..services import marks, offers
from ..services.pagination import page_of_list
from .auth import SECURED, principal, requires, uow
from .body import Blueprint
from .pagination import PageQuerySchema, page_response, page_schema

blp = Blueprint("offers", __name__, url_prefix="/api/v1", description="Offres et notes")


class OfferInputSchema(Schema):
    lot = fields.String(required=True, validate=validate.Length(min=1, max=32))
    answers = fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True),
                          required=True)
    evidence = fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True))
    supplier_name = fields.String(validate=validate.Length(min=1, max=200),
                                  metadata={"description": "raison sociale affichée"})
    sme = fields.Boolean(allow_none=True, metadata={"description": "PME au sens européen"})


class IdempotencyHeaderSchema(Schema):
    class Meta:
        unknown = "exclude"

    idempotency_key = fields.String(data_key="Idempotency-Key",
                                    validate=validate.Length(min=1, max=200))


class OfferReceiptSchema(Schema):
    """The receipt (accusé de réception, SPEC §6.1)."""

    offer = fields.String(required=True, metadata={"description": "identifiant de l'offre"})
    id = fields.String(required=True, metadata={"description": "le même (compatibilité)"})
    consultation = fields.String(required=True)
    lot = fields.String(required=True)
    siret = fields.String(required=True)
    submitted_at = fields.String(required=True, metadata={"description": "reçue le (UTC)"})
    content_sha256 = fields.String(required=True, metadata={
        "description": "SHA-256 du JSON canonique de l'offre : {\"answers\", \"evidence\"}, "
                       "clés triées, sans espaces (séparateurs « , » et « : »), UTF-8 non "
                       "échappé"})
    audit_entry_hash = fields.String(required=True, allow_none=True, metadata={
        "description": "empreinte de l'entrée du journal d'audit qui a enregistré le dépôt"})
    replaces = fields.String(allow_none=True, metadata={"description": "offre remplacée"})
    warnings = fields.List(fields.Dict(), metadata={
        "description": "ce qui rendrait l'offre irrégulière à la date limite"})
    deadline = fields.String(required=True)


class OfferSchema(Schema):
    id = fields.String(required=True)
    lot = fields.String(required=True)
    supplier = fields.Dict(required=True)
    answers = fields.Dict(required=True)
    evidence = fields.Dict(required=True)
    submitted_at = fields.String(required=True)
    content_sha256 = fields.String(required=True)
    current = fields.Boolean(required=True)
    marks = fields.Dict()


class MarkInputSchema(Schema):
    mark = fields.Float(required=True)
    justification = fields.String(required=True, validate=validate.Length(min=1, max=20000))


class MarkSchema(Schema):
    offer = fields.String(required=True)
    criterion = fields.String(required=True)
    mark = fields.Float(required=True)
    level = fields.String(allow_none=True)
    justification = fields.String(required=True)
    given_at = fields.String(required=True)
    history = fields.List(fields.Dict())


@blp.route("/consultations/<reference>/offers")
class Offers(MethodView):
    @requires("offer.submit")
    @blp.doc(security=SECURED)
    @blp.arguments(IdempotencyHeaderSchema, location="headers")
    @blp.arguments(OfferInputSchema)
    @blp.response(201, OfferReceiptSchema)
    @blp.alt_response(200, schema=OfferReceiptSchema,
                      description="nouvel envoi avec la même Idempotency-Key : l'offre déjà reçue")
    def post(self, headers, data, reference: str):
        """Remettre (ou remplacer) son offre pour un lot, jusqu'à la date limite."""
        receipt, created = offers.submit(uow(), principal(), reference, data,
                                         headers.get("idempotency_key"))
        return receipt, 201 if created else 200

    @requires("buyer", "auditor", "supplier")
    @blp.doc(security=SECURED)
    @blp.arguments(PageQuerySchema, location="query")
    @blp.response(200, page_schema(OfferSchema))
    def get(self, query, reference: str):
        """Les offres, par pages : acheteurs et contrôleurs après la date limite ; une
        entreprise, les siennes seulement."""
        return page_response(page_of_list(offers.list_offers(uow(), principal(), reference),
                                          **query))


@blp.route("/offers/<offer_id>/receipt")
class Receipt(MethodView):
    @requires("offer.receipt")
    @blp.doc(security=SECURED)
    @blp.response(200, OfferReceiptSchema)
    def get(self, offer_id: str):
        """L'accusé de réception d'une offre, à nouveau : pour l'entreprise qui l'a remise ;
        pour l'acheteur et les contrôleurs de l'organisation après la date limite."""
        return offers.receipt(uow(), principal(), offer_id)


@blp.route("/offers/<offer_id>/marks/<criterion>")
class Marks(MethodView):
    @requires("mark.set")
    @blp.doc(security=SECURED)
    @blp.arguments(MarkInputSchema)
    @blp.response(200, MarkSchema)
    def put(self, data, offer_id: str, criterion: str):
        """Noter un critère apprécié par l'acheteur, avec sa justification écrite."""
        return marks.put_mark(uow(), principal(), offer_id, criterion, data["mark"],
                              data["justification"])

