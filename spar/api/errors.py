"""Map the typed errors of the use cases and the core to HTTP, once, here."""

from __future__ import annotations

import json
import logging
import re

from flask import current_app, jsonify, request
from werkzeug.http import HTTP_STATUS_CODES

from ..criteria_file import CriteriaFileError
from ..engine.errors import AnswersError
from ..services import errors as service_errors
from ..services.errors import ServiceError
from ..services.health import unavailable_retry_after
from ..services.integrity import constraint_of, refused_record
from .body import parse_body

logger = logging.getLogger(__name__)

#: The HTTP status of each kind of error, the one place where use cases meet HTTP: the
#: API's handlers and the pages' (:mod:`spar.web.errors`) both read it. A subclass
#: named for what went wrong (``DeadlinePassed``) takes its kind's status (409).
HTTP_STATUS: dict[type[BaseException], int] = {
    service_errors.Unauthorized: 401,
    service_errors.Forbidden: 403,
    service_errors.NotFound: 404,
    service_errors.Conflict: 409,
    service_errors.UnsupportedMediaType: 415,
    service_errors.Invalid: 422,
    AnswersError: 422,
    CriteriaFileError: 422,
    service_errors.TooManyRequests: 429,
    ServiceError: 400,
}


def http_status(error: BaseException) -> int:
    """The status of ``error``: that of the nearest class in :data:`HTTP_STATUS`."""
    for cls in type(error).__mro__:
        if cls in HTTP_STATUS:
            return HTTP_STATUS[cls]
    raise LookupError(f"no HTTP status for {type(error).__name__}")


def refused_by_database(error: BaseException) -> ServiceError | None:
    """The conflict to answer when the database refused a row (logged by the rule it
    broke, never with the row's values), else None."""
    conflict = refused_record(error)
    if conflict is not None:
        logger.warning("row refused by the database: %s", constraint_of(error))
    return conflict


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


#: How deep a JSON body may nest: an offer is three levels deep, a criteria set a dozen.
MAX_JSON_DEPTH = 64


def _body_problems(document) -> dict[str, list[str]]:
    """Dotted path (``answers.labels.0``) → problem, for every unstorable text in a JSON
    document, keys included, and for nesting beyond :data:`MAX_JSON_DEPTH`; iterative,
    as the document may nest as deep as the parser allows."""
    problems: dict[str, list[str]] = {}
    pending = [("", document, 0)]
    while pending:
        path, value, depth = pending.pop()
        if depth > MAX_JSON_DEPTH and isinstance(value, (dict, list)):
            problems[path] = [f"imbrication trop profonde ({MAX_JSON_DEPTH} niveaux au plus)"]
            continue
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
                pending.append((here, item, depth + 1))
        elif isinstance(value, list):
            pending.extend((f"{path}.{k}" if path else str(k), item, depth + 1)
                           for k, item in enumerate(value))
    # a path may hold the very surrogate it reports: make it printable
    return {key.encode("utf-8", "replace").decode(): value for key, value in problems.items()}


#: The escapes that write a NUL or a UTF-16 surrogate in a JSON string (or an escaped
#: backslash followed by such text: then the document is walked, needlessly but safely).
_STORABLE_AT_RISK = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])|\xed")


def _plainly_storable(data: bytes) -> bool:
    """Whether :func:`_body_problems` can find nothing in the UTF-8 JSON body ``data``,
    seen from its bytes alone — true of nearly every body, and far cheaper to tell than
    walking the document: a NUL or a lone surrogate in a string (or a key) is written
    as a ``\\u0000`` or ``\\uD800``–``\\uDFFF`` escape, or (a surrogate) as UTF-8 bytes
    starting ``ED``; and each level of nesting opens a bracket."""
    return (_STORABLE_AT_RISK.search(data) is None
            and data.count(b"[") + data.count(b"{") <= MAX_JSON_DEPTH)


def accepts(*media_types: str):
    """Declare the media types a view reads besides JSON (the default for every body)."""

    def decorator(view):
        view.accepted_media_types = frozenset(media_types)
        return view

    return decorator


def _accepted_media_types() -> frozenset[str]:
    view = current_app.view_functions.get(request.endpoint)
    handler = getattr(getattr(view, "view_class", None), request.method.lower(), view)
    return getattr(handler, "accepted_media_types", frozenset())


def _has_body() -> bool:
    return bool(request.content_length) or (
        request.content_length is None and bool(request.get_data(cache=True)))


def refuse_unreadable_input():
    """Refuse at the door what no view can read: a body of a type the view does not take
    (415: JSON sent as text/plain would otherwise look like an empty form, a 422); and
    what no one means to send and the database cannot store (the query would fail with a
    500): U+0000 or a lone surrogate in the path (404), the query string or a JSON body
    (422); a JSON body with NaN or Infinity (400), or nested too deep (400 when the
    parser cannot read it, 422 beyond :data:`MAX_JSON_DEPTH`)."""
    # the request read once: each attribute read through Flask's ``request`` proxy looks
    # the request up again
    req = request._get_current_object()
    if not req.path.startswith("/api/"):
        return None
    if _text_problem(req.path):
        return payload(404, "ressource introuvable")
    if (req.method in ("POST", "PUT", "PATCH") and req.endpoint
            and not req.is_json and _has_body()
            and req.mimetype not in _accepted_media_types()):
        wanted = ", ".join(["application/json", *sorted(_accepted_media_types())])
        return payload(415, f"type de contenu « {req.mimetype or 'absent'} » non pris en "
                            f"charge ici : {wanted}",
                       {"content_type": [f"attendu : {wanted}"]})
    errors = {}
    query = {}
    if req.environ.get("QUERY_STRING"):  # none, no arguments: no MultiDict to build
        query = {key: [problem] for key, value in req.args.items(multi=True)
                 if (problem := _text_problem(key) or _text_problem(value))}
    if query:
        errors["query"] = query
    data = req.get_data() if req.is_json else b""
    if data.strip():  # an empty body is the views' to refuse or accept
        try:
            document = parse_body(data)
        except (ValueError, RecursionError):
            return payload(400, "corps JSON illisible",
                           {"json": ["JSON invalide (NaN et Infinity refusés, imbrication "
                                     "limitée)"]})
        plain = json.detect_encoding(data) == "utf-8" and _plainly_storable(data)
        body = {} if plain else _body_problems(document)
        if body:
            errors["json"] = body
    if errors:
        return payload(422, "texte refusé : caractère invalide ou imbrication trop profonde",
                       errors)
    return None


def database_unavailable(retry_after: int):
    """503 with Retry-After: the database cannot be reached now; nothing was written."""
    response = payload(503, "base de données momentanément injoignable ; rien n'a été "
                            f"enregistré, réessayez dans {retry_after} s")
    response.headers["Retry-After"] = str(retry_after)
    return response


def register(app) -> None:
    app.before_request(refuse_unreadable_input)

    @app.errorhandler(ServiceError)
    def _service_error(error: ServiceError):
        return payload(http_status(error), error.message, error.errors)

    @app.errorhandler(AnswersError)
    def _answers_error(error: AnswersError):
        from ..services.offers import answers_problems

        return payload(http_status(error), "réponses invalides",
                       answers_problems(error.problems))

    @app.errorhandler(CriteriaFileError)
    def _criteria_error(error: CriteriaFileError):
        return payload(http_status(error), "jeu de critères invalide",
                       {"criteria": [p.to_dict() for p in error.problems]})

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        from werkzeug.exceptions import HTTPException

        if isinstance(error, HTTPException):  # handled by the Api's handler
            return error
        retry_after = unavailable_retry_after(error, app.config["DATABASE_RETRY_AFTER"])
        if retry_after is not None:
            logger.warning("database unavailable: %s", type(error).__name__)
            return database_unavailable(retry_after)
        conflict = refused_by_database(error)
        if conflict is not None:
            return payload(http_status(conflict), conflict.message)
        logger.exception("unexpected error")
        return payload(500, "erreur interne du service ; l'incident est journalisé")
