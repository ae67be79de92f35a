"""What every page's layout reads: the language, the menu, the session's end, the CSRF
field of forms."""

from __future__ import annotations

from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from . import navigation
from .forms import field_id, sentence
from .i18n import LANGUAGES
from .session import WARN_MINUTES


def csrf_field() -> Markup:
    """The hidden field every form of the pages carries."""
    return Markup('<input type="hidden" name="csrf_token" value="{}">').format(generate_csrf())


def _context() -> dict:
    return {"locale": str(get_locale() or "fr"), "languages": LANGUAGES,
            "nav_entries": navigation.entries(current_user.role),
            "warn_seconds": WARN_MINUTES * 60}


def init_app(app) -> None:
    app.context_processor(_context)
    app.jinja_env.globals.update(csrf_field=csrf_field, field_id=field_id)
    app.jinja_env.filters["sentence"] = sentence
