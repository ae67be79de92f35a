"""Administration: organisations and access tokens (admins only)."""

from __future__ import annotations

from datetime import timezone

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from ..services import tokens
from ..services.clock import PARIS
from ..services.principal import ROLES
from .auth import SECURED, principal, requires, uow
from .body import Blueprint
from .schemas import DB_INTEGER_MAX, within_calendar

blp = Blueprint("admin", __name__, url_prefix="/api/v1", description="Administration")


class OrganisationInputSchema(Schema):
    slug = fields.String(required=True, validate=validate.Length(min=1, max=64))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))


class OrganisationSchema(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)


class TokenInputSchema(Schema):
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    organisation = fields.String(validate=validate.Length(min=1, max=64))
    siret = fields.String(validate=validate.Length(min=1, max=20))
    name = fields.String(validate=validate.Length(min=1, max=200))
    expires_at = fields.AwareDateTime(
        default_timezone=PARIS, validate=within_calendar,
        metadata={"description": "quand le jeton cesse de fonctionner (ISO 8601 ; sans fuseau, "
                                 "l'heure de Paris est retenue) ; sans elle, jamais"})


class TokenSchema(Schema):
    id = fields.Integer(required=True)
    prefix = fields.String(required=True)
    role = fields.String(required=True)
    siret = fields.String(allow_none=True)
    name = fields.String(allow_none=True)
    created_at = fields.String(required=True)
    revoked_at = fields.String(allow_none=True)
    expires_at = fields.String(allow_none=True)
    secret = fields.String(metadata={"description": "affiché une seule fois, à la création"})


def token_view(token, secret=None) -> dict:
    out = {"id": token.id, "prefix": token.prefix, "role": token.role, "siret": token.siret,
           "name": token.name, "created_at": token.created_at.isoformat(),
           "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
           "expires_at": (token.expires_at.astimezone(timezone.utc).isoformat()
                          if token.expires_at else None)}
    if secret:
        out["secret"] = secret
    return out


@blp.route("/organisations")
class Organisations(MethodView):
    @requires("admin")
    @blp.doc(security=SECURED)
    @blp.arguments(OrganisationInputSchema)
    @blp.response(201, OrganisationSchema)
    def post(self, data):
        """Créer une organisation (acheteur public)."""
        org = tokens.create_organisation(uow(), principal(), data["slug"], data["name"])
        return {"slug": org.slug, "name": org.name}


@blp.route("/tokens")
class Tokens(MethodView):
    @requires("admin")
    @blp.doc(security=SECURED)
    @blp.arguments(TokenInputSchema)
    @blp.response(201, TokenSchema)
    def post(self, data):
        """Créer un jeton d'accès ; son secret n'est montré qu'une fois."""
        token, secret = tokens.create_token(uow(), principal(), data["role"],
                                            organisation=data.get("organisation"),
                                            siret=data.get("siret"), name=data.get("name"),
                                            expires_at=data.get("expires_at"))
        return token_view(token, secret)


@blp.route(f"/tokens/<int(max={DB_INTEGER_MAX}):token_id>")
class TokenResource(MethodView):
    @requires("admin")
    @blp.doc(security=SECURED)
    @blp.response(200, TokenSchema)
    def delete(self, token_id: int):
        """Révoquer un jeton."""
        return token_view(tokens.revoke_token(uow(), principal(), str(token_id)))
