"""Map the typed errors of the use cases and the core to HTTP, once, here."""

from __future__ import annotations

import json
import logging

from flask import jsonify, request
from werkzeug.http import HTTP_STATUS_CODES

from ..criteria_file import CriteriaFileError
from ..engine.errors import AnswersError
from ..services.errors import ServiceError

logger = logging.getLogger(__name__)


def payload(code: int, message: str, errors: dict | None = None):
    response = jsonify({"code": code, "status": HTTP_STATUS_CODES.get(code, ""),
                        "message": message, "errors": errors or {}})
    response.status_code = code
    if code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="spar"'
    return response


NUL = "caractère nul (U+0000) interdit"
SURROGATE = "caractère invalide (moitié de paire UTF-16 isolée)"


def _text_problem(text: str) -> str | None:
    """Why the database could not store ``text`` (PostgreSQL holds no U+0000, and no
    database a lone UTF-16 surrogate), or None."""
    if "\x00" in text:
        return NUL
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return SURROGATE
    return None


def _body_problems(document) -> dict[str, list[str]]:
    """Dotted path (``answers.labels.0``) → problem, for every unstorable text in a JSON
    document, keys included; iterative, as the document may nest as deep as the parser
    allows."""
    problems: dict[str, list[str]] = {}
    pending = [("", document)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, str):
            problem = _text_problem(value)
            if problem:
                problems[path or "."] = [problem]
        elif isinstance(value, dict):
            for key, item in value.items():
                here = f"{path}.{key}" if path else str(key)
                problem = _text_problem(str(key))
                if problem:
                    problems[here] = [problem]
                pending.append((here, item))
        elif isinstance(value, list):
            pending.extend((f"{path}.{k}" if path else str(k), item)
                           for k, item in enumerate(value))
    # a path may hold the very surrogate it reports: make it printable
    return {key.encode("utf-8", "replace").decode(): value for key, value in problems.items()}


def _refuse_constant(name: str):
    raise ValueError(f"{name} n'est pas du JSON")


def refuse_unstorable_input():
    """Refuse at the door what no one means to send and the database cannot store (the
    query would fail with a 500): U+0000 or a lone surrogate in the path (404), the query
    string or a JSON body (422); a JSON body with NaN or Infinity, or nested beyond what
    the parser can read (400)."""
    if not request.path.startswith("/api/"):
        return None
    if _text_problem(request.path):
        return payload(404, "ressource introuvable")
    errors = {}
    query = {key: [problem] for key, value in request.args.items(multi=True)
             if (problem := _text_problem(key) or _text_problem(value))}
    if query:
        errors["query"] = query
    data = request.get_data() if request.is_json else b""
    if data.strip():  # an empty body is the views' to refuse or accept
        try:
            document = json.loads(data, parse_constant=_refuse_constant)
        except (ValueError, RecursionError):
            return payload(400, "corps JSON illisible",
                           {"json": ["JSON invalide (NaN et Infinity refusés, imbrication "
                                     "limitée)"]})
        body = _body_problems(document)
        if body:
            errors["json"] = body
    if errors:
        return payload(422, "texte refusé : caractère nul ou invalide", errors)
    return None


def register(app) -> None:
    app.before_request(refuse_unstorable_input)

    @app.errorhandler(ServiceError)
    def _service_error(error: ServiceError):
        return payload(error.http_status, error.message, error.errors)

    @app.errorhandler(AnswersError)
    def _answers_error(error: AnswersError):
        from ..services.offers import answers_problems

        return payload(422, "réponses invalides", answers_problems(error.problems))

    @app.errorhandler(CriteriaFileError)
    def _criteria_error(error: CriteriaFileError):
        return payload(422, "jeu de critères invalide",
                       {"criteria": [p.to_dict() for p in error.problems]})

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        from werkzeug.exceptions import HTTPException

        if isinstance(error, HTTPException):  # handled by the Api's handler
            return error
        logger.exception("unexpected error")
        return payload(500, "erreur interne du service ; l'incident est journalisé")
