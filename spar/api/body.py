"""An API request's JSON body, parsed once.

The door (:func:`spar.api.errors.refuse_unreadable_input`) parses every JSON body to
refuse what no view can store; the views' argument parser (webargs, behind
``@blp.arguments``) then reads that same document instead of parsing the body again.
"""

from __future__ import annotations

import json
from typing import Any

import flask_smorest
from flask import g
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request


def _refuse_constant(name: str):
    raise ValueError(f"{name} n'est pas du JSON")


#: The decoder ``json.loads(data, parse_constant=_refuse_constant)`` would build at every
#: call, built once (as ``json.loads`` shares its own default one between threads).
_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)


def parse_body(data: bytes) -> Any:
    """The JSON document of ``data``, NaN and Infinity refused (ValueError, RecursionError).

    Kept for the views' arguments when webargs would have read the same document:
    it decodes the body as UTF-8 alone (a UTF-16 body or a BOM stays its to refuse).
    """
    encoding = json.detect_encoding(data)
    # what json.loads does with bytes (a bad byte is a UnicodeDecodeError, a ValueError)
    document = _DECODER.decode(data.decode(encoding, "surrogatepass"))
    if encoding == "utf-8":
        g.json_body = document
    return document


class BodyParser(FlaskParser):
    """webargs' parser, reading the document the door parsed when there is one."""

    def _raw_load_json(self, req) -> Any:
        if not is_json_request(req):
            return core.missing
        document = g.get("json_body", core.missing)
        return super()._raw_load_json(req) if document is core.missing else document


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint with :class:`BodyParser` for ``@blp.arguments``."""

    ARGUMENTS_PARSER = BodyParser()
