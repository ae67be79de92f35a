"""French by default, English available (Flask-Babel).

The catalogues are the ``.po`` files under ``translations/``, kept in the repository;
they are compiled in memory when the app starts, so nothing needs a manual
``pybabel compile`` and nothing is written next to the installed package. The
messages' source language is French: French needs no catalogue.
"""

from __future__ import annotations

import io
from pathlib import Path

from babel import support
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import has_request_context, session
from flask_babel import Babel, Domain, get_locale

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
DEFAULT = "fr"
#: Language code → its name in itself (how the language switch shows it).
LANGUAGES = {"fr": "Français", "en": "English"}
TIMEZONE = "Europe/Paris"


def compile_catalogue(path: Path) -> support.Translations:
    """A ``.po`` catalogue as gettext translations, compiled in memory."""
    with path.open("rb") as source:
        catalogue = read_po(source)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return support.Translations(compiled, domain="messages")


class CatalogueDomain(Domain):
    """Flask-Babel's domain, reading the catalogues compiled at start."""

    def __init__(self) -> None:
        super().__init__(translation_directories=[str(TRANSLATIONS)])
        self.compiled: dict[str, support.NullTranslations] = {DEFAULT: support.NullTranslations()}
        for code in LANGUAGES:
            path = TRANSLATIONS / code / "LC_MESSAGES" / "messages.po"
            if code != DEFAULT:
                self.compiled[code] = compile_catalogue(path)

    def get_translations(self):
        return self.compiled.get(str(get_locale() or DEFAULT), self.compiled[DEFAULT])


class SparBabel(Babel):
    def __init__(self, *args, **kwargs):
        self.catalogues = CatalogueDomain()
        super().__init__(*args, **kwargs)

    @property
    def domain_instance(self):
        return self.catalogues


def select_locale() -> str:
    """The language the person chose (kept in their session), French otherwise."""
    if not has_request_context():
        return DEFAULT
    chosen = session.get("lang")
    return chosen if chosen in LANGUAGES else DEFAULT


def init_app(app) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", TIMEZONE)
    SparBabel(app, locale_selector=select_locale, timezone_selector=lambda: TIMEZONE)
