"""Errors meet HTTP in one table (``spar.api.errors.HTTP_STATUS``), read by the API and the
pages; a row the database refuses is a clear 409 there too, never a 500, and the log
names the rule broken, never the row's values."""

from __future__ import annotations

import html
import inspect
import logging
from datetime import datetime, timezone

import pytest

from spar.api.errors import HTTP_STATUS, http_status
from spar.db.models import Organisation
from spar.services import errors

KINDS = {errors.Unauthorized: 401, errors.Forbidden: 403, errors.NotFound: 404,
         errors.Conflict: 409, errors.UnsupportedMediaType: 415, errors.Invalid: 422,
         errors.TooManyRequests: 429}


def test_each_kind_has_its_status():
    for kind, status in KINDS.items():
        assert http_status(kind("x")) == status


def test_an_error_named_for_what_went_wrong_takes_its_kinds_status():
    assert http_status(errors.DeadlinePassed("x")) == 409
    assert http_status(errors.OffersSealed("x")) == 409
    assert http_status(errors.NotYourOrganisation("x")) == 403
    assert http_status(errors.RoleNotAllowed("x")) == 403


def test_every_service_error_has_a_status_and_none_carries_its_own():
    for _, cls in inspect.getmembers(errors, inspect.isclass):
        if issubclass(cls, errors.ServiceError):
            assert http_status(cls("x")) in {400, *KINDS.values()}
            assert not hasattr(cls, "http_status"), cls
    assert set(KINDS) <= set(HTTP_STATUS)


SECRET_SLUG = "valeur-a-ne-pas-journaliser"


def _duplicate_organisation(app):
    """A real IntegrityError: the same slug twice, as two racing requests would."""
    sessions = app.extensions["spar.db"].sessions
    now = datetime(2026, 12, 1, tzinfo=timezone.utc)
    with sessions() as session:
        session.add(Organisation(slug=SECRET_SLUG, name="Une", created_at=now))
        session.commit()
    with sessions() as session:
        session.add(Organisation(slug=SECRET_SLUG, name="Deux", created_at=now))
        session.commit()
    return "unreachable"


@pytest.fixture
def racing_app(app):
    app.add_url_rule("/api/v1/_race", "race_api", lambda: _duplicate_organisation(app),
                     methods=["POST"])
    app.add_url_rule("/_race", "race_page", lambda: _duplicate_organisation(app),
                     methods=["POST"])
    app.config["WTF_CSRF_ENABLED"] = False
    return app


def test_a_row_the_database_refuses_is_a_409_in_the_api(racing_app, caplog):
    with caplog.at_level(logging.INFO):
        response = racing_app.test_client().post("/api/v1/_race")
    assert response.status_code == 409
    body = response.get_json()
    assert body["code"] == 409 and "rien n'a été enregistré" in body["message"]
    assert SECRET_SLUG not in response.get_data(as_text=True)
    assert "organisations" in caplog.text  # the rule broken is named
    assert SECRET_SLUG not in caplog.text
    assert "Traceback" not in caplog.text


def test_a_row_the_database_refuses_is_a_409_page(racing_app, caplog):
    with caplog.at_level(logging.INFO):
        response = racing_app.test_client().post("/_race")
    assert response.status_code == 409
    page = html.unescape(response.get_data(as_text=True))
    assert "<html" in page and "rien n'a été enregistré" in page
    assert SECRET_SLUG not in page and SECRET_SLUG not in caplog.text
