"""Map the typed errors of the use cases and the core to HTTP, once, here."""

from __future__ import annotations

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


def _nul_paths(value, path: str = ""):
    """Where a JSON value holds U+0000, as dotted paths (``answers.labels.0``)."""
    if isinstance(value, str):
        if "\x00" in value:
            yield path or "."
    elif isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            if "\x00" in str(key):
                yield here
            yield from _nul_paths(item, here)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nul_paths(item, f"{path}.{index}" if path else str(index))


def refuse_nul_characters():
    """No one means to send U+0000, and PostgreSQL text cannot hold it (the query would
    fail with a 500): refuse it in the path (404), the query string and JSON bodies (422)."""
    if not request.path.startswith("/api/"):
        return None
    if "\x00" in request.path:
        return payload(404, "ressource introuvable")
    errors = {}
    query = sorted({key for key, value in request.args.items(multi=True)
                    if "\x00" in key or "\x00" in value})
    if query:
        errors["query"] = {key: ["caractère nul (U+0000) interdit"] for key in query}
    if request.is_json:
        body = sorted(set(_nul_paths(request.get_json(silent=True))))
        if body:
            errors["json"] = {where: ["caractère nul (U+0000) interdit"] for where in body}
    if errors:
        return payload(422, "caractère nul (U+0000) refusé", errors)
    return None


def register(app) -> None:
    app.before_request(refuse_nul_characters)

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
