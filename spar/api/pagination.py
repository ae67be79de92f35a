"""Every list of the API answers ``{"items", "page", "per_page", "total"}`` (SPEC §6.1):
the query arguments, the response schema and the conversion, in one place."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..services.pagination import DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE, Page


class PageQuerySchema(Schema):
    """``page`` and ``per_page``; list endpoints with filters extend it."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE),
                          metadata={"description": "numéro de page, à partir de 1"})
    per_page = fields.Integer(load_default=DEFAULT_PER_PAGE,
                              validate=validate.Range(min=1, max=MAX_PER_PAGE),
                              metadata={"description": f"éléments par page ({MAX_PER_PAGE} au "
                                                       "plus)"})


_PAGE_SCHEMAS: dict[str, type[Schema]] = {}


def page_schema(item_schema: type[Schema], name: str | None = None) -> type[Schema]:
    """The schema of a page of ``item_schema`` items (one class per item schema, so the
    OpenAPI document names each list's shape once)."""
    name = name or item_schema.__name__.removesuffix("Schema") + "PageSchema"
    if name not in _PAGE_SCHEMAS:
        _PAGE_SCHEMAS[name] = type(name, (Schema,), {
            "items": fields.List(fields.Nested(item_schema), required=True),
            "page": fields.Integer(required=True),
            "per_page": fields.Integer(required=True),
            "total": fields.Integer(required=True,
                                    metadata={"description": "éléments en tout, toutes pages"}),
        })
    return _PAGE_SCHEMAS[name]


def page_response(page: Page, **extra) -> dict:
    """What a list endpoint returns for ``page`` (plus ``extra`` top-level keys)."""
    return {**page.to_dict(), **extra}
