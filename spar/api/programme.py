"""The purchasing programme (SPEC §8): planned purchases, read by anyone, edited by the
buyers of their organisation; firms say they are interested; buyers see who is, and the
visible profiles that match."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..services import matching, programme
from .auth import OPTIONAL_AUTH, SECURED, principal, requires, uow
from .body import Blueprint
from .pagination import PageQuerySchema, page_schema
from .portal_schemas import InterestSchema, ItemMatchSchema, ProgrammeItemSchema
from .schemas import DB_INTEGER_MAX

blp = Blueprint("programme", __name__, url_prefix="/api/v1/programme",
                description="Programmation des achats (achats prévus)")

ITEM = f"/<int(max={DB_INTEGER_MAX}):item_id>"
AMOUNT = validate.Range(min=0, max=1e12)


class ProgrammeQuerySchema(PageQuerySchema):
    category = fields.String(validate=validate.OneOf(["supplies", "services", "works"]))
    month = fields.String(validate=validate.Regexp(r"^\d{4}-(0[1-9]|1[0-2])$",
                                                   error="mois attendu sous la forme AAAA-MM"),
                          metadata={"description": "publication attendue ce mois (AAAA-MM)"})
    organisation = fields.String(validate=validate.Length(min=1, max=64))
    status = fields.String(validate=validate.OneOf(["planned", "published", "cancelled"]),
                           metadata={"description": "par défaut : prévus et publiés"})


class ProgrammeItemInputSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    category = fields.String(validate=validate.OneOf(["supplies", "services", "works"]),
                             metadata={"description": "par défaut, celle du jeu de critères"})
    description = fields.String(load_default="", validate=validate.Length(max=10_000))
    expected_publication = fields.String(
        required=True, validate=validate.Regexp(r"^\d{4}-(0[1-9]|1[0-2])$",
                                                error="mois attendu sous la forme AAAA-MM"),
        metadata={"description": "mois de publication attendu de la consultation (AAAA-MM)"})
    estimate_min = fields.Float(allow_none=True, validate=AMOUNT,
                                metadata={"description": "€ HT"})
    estimate_max = fields.Float(allow_none=True, validate=AMOUNT,
                                metadata={"description": "€ HT"})
    criteria_set = fields.String(required=True, validate=validate.Length(min=1, max=100))
    version = fields.Integer(required=True, strict=True,
                             validate=validate.Range(min=1, max=DB_INTEGER_MAX),
                             metadata={"description": "version du jeu de critères prévue ; "
                                                      "la consultation pourra en prendre une "
                                                      "plus récente"})

    @validates_schema
    def _ordered(self, data, **kwargs):
        low, high = data.get("estimate_min"), data.get("estimate_max")
        if low is not None and high is not None and low > high:
            raise ValidationError("l'estimation haute est inférieure à l'estimation basse",
                                  "estimate_max")


class InterestInputSchema(Schema):
    message = fields.String(load_default="", validate=validate.Length(max=1000),
                            metadata={"description": "un mot pour l'acheteur (1 000 "
                                                     "caractères au plus)"})
    contact_email = fields.Email(allow_none=True, validate=validate.Length(max=254),
                                 metadata={"description": "où être prévenu de l'ouverture de "
                                                          "la consultation (visible de "
                                                          "l'acheteur)"})
    name = fields.String(validate=validate.Length(max=200),
                         metadata={"description": "nom de l'entreprise montré à l'acheteur"})


ProgrammePageSchema = page_schema(ProgrammeItemSchema, "ProgrammePage")
InterestPageSchema = page_schema(InterestSchema, "InterestPage")
ItemMatchPageSchema = page_schema(ItemMatchSchema, "ItemMatchPage")


@blp.route("")
class Programme(MethodView):
    @blp.doc(security=OPTIONAL_AUTH)
    @blp.arguments(ProgrammeQuerySchema, location="query")
    @blp.response(200, ProgrammePageSchema)
    def get(self, query):
        """Le programme des achats prévus, les plus proches d'abord, filtrable par
        catégorie, mois, organisation et statut."""
        return programme.list_items(uow(), principal(), **query)

    @requires("programme.create")
    @blp.doc(security=SECURED)
    @blp.arguments(ProgrammeItemInputSchema)
    @blp.response(201, ProgrammeItemSchema)
    def post(self, data):
        """Annoncer un achat prévu de son organisation."""
        return programme.create(uow(), principal(), data)


@blp.route(ITEM)
class ProgrammeItem(MethodView):
    @blp.doc(security=OPTIONAL_AUTH)
    @blp.response(200, ProgrammeItemSchema)
    def get(self, item_id: int):
        """Un achat prévu."""
        return programme.get(uow(), principal(), item_id)

    @requires("programme.edit")
    @blp.doc(security=SECURED)
    @blp.arguments(ProgrammeItemInputSchema)
    @blp.response(200, ProgrammeItemSchema)
    def put(self, data, item_id: int):
        """Modifier un achat prévu (tant que sa consultation n'est pas publiée)."""
        return programme.update(uow(), principal(), item_id, data)

    @requires("programme.edit")
    @blp.doc(security=SECURED)
    @blp.response(200, ProgrammeItemSchema)
    def delete(self, item_id: int):
        """Retirer un achat prévu : il est annulé, pas effacé (les entreprises intéressées
        sont prévenues) ; impossible une fois sa consultation publiée."""
        return programme.cancel(uow(), principal(), item_id)


@blp.route(ITEM + "/interest")
class Interest(MethodView):
    @requires("programme.follow")
    @blp.doc(security=SECURED)
    @blp.arguments(PageQuerySchema, location="query")
    @blp.response(200, InterestPageSchema)
    def get(self, query, item_id: int):
        """Les entreprises intéressées, dans l'ordre où elles se sont signalées."""
        return programme.interests(uow(), principal(), item_id, **query)

    @requires("programme.interest")
    @blp.doc(security=SECURED)
    @blp.arguments(InterestInputSchema)
    @blp.response(201, InterestSchema)
    @blp.alt_response(200, schema=InterestSchema,
                      description="intérêt déjà signalé : message mis à jour (ou inchangé)")
    def post(self, data, item_id: int):
        """Signaler l'intérêt de son entreprise, avec un court message ; elle sera prévenue
        de l'ouverture de la consultation."""
        interest, created = programme.express_interest(uow(), principal(), item_id, data)
        return interest, 201 if created else 200

    @requires("programme.interest")
    @blp.doc(security=SECURED)
    @blp.response(200, InterestSchema)
    def delete(self, item_id: int):
        """Retirer l'intérêt de son entreprise."""
        return programme.withdraw_interest(uow(), principal(), item_id)


@blp.route(ITEM + "/matches")
class Matches(MethodView):
    @requires("programme.follow")
    @blp.doc(security=SECURED)
    @blp.arguments(PageQuerySchema, location="query")
    @blp.response(200, ItemMatchPageSchema)
    def get(self, query, item_id: int):
        """Les profils visibles de la catégorie, par score indicatif hors prix (réponses
        permanentes notées sur les critères de l'achat), le meilleur d'abord."""
        return matching.item_matches(uow(), principal(), item_id, **query)
