"""Schemas the SME portal's resources share: the shapes of programme items, interest,
profiles, matches and notices (their pages are :mod:`.pagination`'s, as every list's)."""

from __future__ import annotations

from marshmallow import Schema, fields

from .schemas import ReasonSchema
from .self_assessment import HintSchema


class OrganisationRefSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)


class InterestSchema(Schema):
    siret = fields.String(required=True)
    name = fields.String(allow_none=True)
    message = fields.String(required=True)
    contact_email = fields.String(allow_none=True)
    created_at = fields.String(required=True)
    withdrawn_at = fields.String()
    profile = fields.Dict(allow_none=True, metadata={
        "description": "taille et département, si le profil de l'entreprise est visible"})


class ProgrammeItemSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    category = fields.String(required=True, metadata={"enum": ["supplies", "services",
                                                              "works"]})
    description = fields.String(required=True)
    expected_publication = fields.String(required=True, metadata={"description": "AAAA-MM"})
    expected_publication_label = fields.String(required=True)
    estimate_min = fields.Float(allow_none=True)
    estimate_max = fields.Float(allow_none=True)
    criteria_set = fields.String(required=True)
    version = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"enum": ["planned", "published",
                                                            "cancelled"]})
    consultation = fields.String(allow_none=True)
    organisation = fields.Nested(OrganisationRefSchema, required=True)
    created_at = fields.String(required=True)
    updated_at = fields.String(required=True)
    cancelled_at = fields.String(allow_none=True)
    interested = fields.Integer(metadata={"description": "acheteurs et contrôleurs de "
                                                         "l'organisation : entreprises "
                                                         "intéressées"})
    my_interest = fields.Nested(InterestSchema, allow_none=True,
                                metadata={"description": "une entreprise : son intérêt"})


class ItemMatchSchema(Schema):
    siret = fields.String(required=True)
    name = fields.String(required=True)
    size = fields.String(required=True)
    score = fields.Float(allow_none=True, metadata={
        "description": "points indicatifs hors prix et hors notes de l'acheteur ; null si "
                       "les réponses du profil rendraient une offre irrégulière"})
    max_score = fields.Float(required=True)
    status = fields.String(required=True, metadata={"enum": ["ranked", "irregular"]})
    reasons = fields.List(fields.Nested(ReasonSchema), required=True)


class SupplierMatchSchema(Schema):
    item = fields.Nested(ProgrammeItemSchema, required=True)
    score = fields.Float(allow_none=True)
    max_score = fields.Float(required=True)
    status = fields.String(required=True, metadata={"enum": ["ranked", "irregular",
                                                            "unscored"]})
    reasons = fields.List(fields.Nested(ReasonSchema), required=True)
    competitors = fields.Integer(required=True, metadata={
        "description": "profils visibles comparés (relatifs pris sur eux)"})
    hints = fields.List(fields.Nested(HintSchema), required=True)


class ProfileSchema(Schema):
    siret = fields.String(required=True)
    name = fields.String(required=True)
    address = fields.String(allow_none=True)
    size = fields.String(required=True, metadata={"enum": ["micro", "small", "medium",
                                                          "large"]})
    departement = fields.String(allow_none=True)
    categories = fields.List(fields.String(), required=True)
    skills = fields.List(fields.String(), required=True)
    standing_answers = fields.Dict(required=True)
    standing_evidence = fields.Dict(required=True)
    labels = fields.List(fields.String(), required=True)
    updated_at = fields.String(required=True)
    visibility = fields.String(metadata={"enum": ["private", "visible"]})
    version = fields.Integer()
    warnings = fields.List(fields.String(), metadata={
        "description": "réponses sous le minimum d'un critère : une offre ainsi serait "
                       "irrégulière"})
    notes = fields.List(fields.String(), metadata={
        "description": "ce que l'annuaire SIRENE n'a pas pu fournir"})


class ProfileVersionSchema(Schema):
    version = fields.Integer(required=True)
    changed_at = fields.String(required=True)
    profile = fields.Dict(required=True)


class SupplierNoticeSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    subject = fields.String(required=True)
    body = fields.String(required=True)
    created_at = fields.String(required=True)
    programme_item = fields.Integer(allow_none=True)
    consultation = fields.String(allow_none=True)
    email = fields.Dict(required=True)
