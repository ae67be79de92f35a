"""Company profiles (SPEC §8): a firm's own profile, the planned purchases that match it
and its notices; the buyers' directory of visible profiles."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from ..services import matching, notices, profiles
from .auth import SECURED, principal, requires, uow
from .body import Blueprint
from .pagination import PageQuerySchema, page_schema
from .portal_schemas import (ProfileSchema, ProfileVersionSchema, SupplierMatchSchema,
                             SupplierNoticeSchema)

blp = Blueprint("suppliers", __name__, url_prefix="/api/v1/suppliers",
                description="Profils d'entreprise, annuaire et correspondances")

CATEGORY = validate.OneOf(["supplies", "services", "works"])
SIZE = validate.OneOf(["micro", "small", "medium", "large"])
DEPARTEMENT = validate.Regexp(r"^(0[1-9]|[1-8][0-9]|9[0-5]|2[AaBb]|97[1-6])$",
                              error="code de département inconnu (ex. 69, 2A, 974)")


class ProfileInputSchema(Schema):
    name = fields.String(validate=validate.Length(min=1, max=200),
                         metadata={"description": "facultatif si l'annuaire SIRENE est "
                                                  "configuré : il le fournit"})
    address = fields.String(allow_none=True, validate=validate.Length(max=500))
    size = fields.String(validate=SIZE, metadata={
        "description": "micro (TPE), small et medium (PME), large (ETI, GE) ; facultatif si "
                       "l'annuaire SIRENE la fournit"})
    departement = fields.String(allow_none=True, validate=DEPARTEMENT)
    categories = fields.List(fields.String(validate=CATEGORY), load_default=list,
                             validate=validate.Length(max=3))
    skills = fields.List(fields.String(validate=validate.Length(min=1, max=80)),
                         load_default=list, validate=validate.Length(max=50),
                         metadata={"description": "mots-clés libres"})
    standing_answers = fields.Dict(keys=fields.String(validate=validate.Length(max=100)),
                                   values=fields.Raw(allow_none=True), load_default=dict,
                                   validate=validate.Length(max=100), metadata={
                                       "description": "réponses qui ne changent pas d'une "
                                                      "consultation à l'autre, par nom de "
                                                      "réponse (labels, index égalité…)"})
    standing_evidence = fields.Dict(keys=fields.String(validate=validate.Length(max=100)),
                                    values=fields.Raw(allow_none=True), load_default=dict,
                                    validate=validate.Length(max=100), metadata={
                                        "description": "justificatifs des labels, par nom "
                                                       "de réponse"})
    visibility = fields.String(load_default="private",
                               validate=validate.OneOf(["private", "visible"]), metadata={
                                   "description": "private (par défaut) : aucun acheteur ne "
                                                  "voit le profil ; visible : l'annuaire et "
                                                  "les correspondances le montrent"})


class DirectoryQuerySchema(PageQuerySchema):
    category = fields.String(validate=CATEGORY)
    skill = fields.String(validate=validate.Length(min=1, max=80),
                          metadata={"description": "partie d'un mot-clé (casse et accents "
                                                   "ignorés)"})
    label = fields.String(validate=validate.Length(min=1, max=200),
                          metadata={"description": "un label revendiqué, en entier"})
    departement = fields.String(validate=DEPARTEMENT)
    size = fields.String(validate=SIZE)


DirectoryPageSchema = page_schema(ProfileSchema, "DirectoryPage")
SupplierMatchPageSchema = page_schema(SupplierMatchSchema, "SupplierMatchPage")
ProfileHistoryPageSchema = page_schema(ProfileVersionSchema, "ProfileHistoryPage")
NoticePageSchema = page_schema(SupplierNoticeSchema, "SupplierNoticePage")


class CompanySchema(Schema):
    siret = fields.String(required=True)
    name = fields.String(required=True)
    address = fields.String(allow_none=True)
    departement = fields.String(allow_none=True)
    size = fields.String(allow_none=True)
    category = fields.String(allow_none=True, metadata={"description": "PME, ETI ou GE"})
    active = fields.Boolean(required=True)
    source = fields.String(required=True)


class DirectoryLookupSchema(Schema):
    siret = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": ["found", "not_found",
                                                            "unavailable"]})
    company = fields.Nested(CompanySchema, allow_none=True)
    message = fields.String(allow_none=True)


@blp.route("")
class Directory(MethodView):
    @requires("profile.search")
    @blp.doc(security=SECURED)
    @blp.arguments(DirectoryQuerySchema, location="query")
    @blp.response(200, DirectoryPageSchema)
    def get(self, query):
        """Chercher parmi les profils visibles : catégorie, compétence, label, département,
        taille."""
        return profiles.search(uow(), principal(), **query)


@blp.route("/me")
class MyProfile(MethodView):
    @requires("profile.own")
    @blp.doc(security=SECURED)
    @blp.response(200, ProfileSchema)
    def get(self):
        """Le profil de son entreprise."""
        return profiles.get_profile(uow(), principal())

    @requires("profile.own")
    @blp.doc(security=SECURED)
    @blp.arguments(ProfileInputSchema)
    @blp.response(200, ProfileSchema)
    @blp.alt_response(201, schema=ProfileSchema, description="profil créé")
    def put(self, data):
        """Enregistrer le profil de son entreprise (il remplace le précédent, qui reste
        dans l'historique). Les réponses permanentes sont vérifiées comme celles d'une
        offre."""
        profile, created = profiles.save_profile(uow(), principal(), data)
        return profile, 201 if created else 200


@blp.route("/me/matches")
class MyMatches(MethodView):
    @requires("programme.match_own")
    @blp.doc(security=SECURED)
    @blp.arguments(PageQuerySchema, location="query")
    @blp.response(200, SupplierMatchPageSchema)
    def get(self, query):
        """Les achats prévus de ses catégories, avec le score indicatif de ses réponses
        permanentes et ce qui lui ferait gagner le plus de points."""
        return matching.supplier_matches(uow(), principal(), **query)


@blp.route("/me/history")
class MyHistory(MethodView):
    @requires("profile.own")
    @blp.doc(security=SECURED)
    @blp.arguments(PageQuerySchema, location="query")
    @blp.response(200, ProfileHistoryPageSchema)
    def get(self, query):
        """Les versions successives de son profil, la plus récente d'abord."""
        return profiles.history(uow(), principal(), **query)


@blp.route("/me/notices")
class MyNotices(MethodView):
    @requires("notice.read_own")
    @blp.doc(security=SECURED)
    @blp.arguments(PageQuerySchema, location="query")
    @blp.response(200, NoticePageSchema)
    def get(self, query):
        """Ses avis : consultation ouverte pour un achat suivi, achat annulé."""
        return notices.mine(uow(), principal(), **query)


@blp.route("/me/sirene")
class MySirene(MethodView):
    @requires("profile.own")
    @blp.doc(security=SECURED)
    @blp.response(200, DirectoryLookupSchema)
    def get(self):
        """Ce que l'annuaire des entreprises (SIRENE) dit de son SIRET : nom, adresse,
        département, taille — ou pourquoi il ne peut pas le dire (non configuré,
        injoignable : le SIRET vaut alors par sa clé de Luhn)."""
        return profiles.company_details(uow(), principal())
