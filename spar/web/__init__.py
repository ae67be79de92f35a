"""Server-rendered pages for people (SPEC §7), calling the same services as the API.

One module and one template folder per area of pages: ``public`` (anyone),
``account`` (signing in, registering, one's own account), ``supplier`` (a company's
tools), ``bids`` (a company's offers, receipts and results), ``buyer`` (the buyer's
desk), ``evaluation`` (a consultation's evaluation after its deadline: its buyers, and
its auditors read-only), ``auditor`` (the auditor's desk and the audit log), ``admin``,
``downloads`` (the exports the other areas link to), and the SME portal's ``programme``
(the purchasing programme and its buyers' editor), ``profile`` (a company's profile,
notices and matches), ``sourcing`` (the buyers' directory and matches) and
``indicators`` (the organisation's yearly figures). Each area module declares a ``bp``
blueprint and its navigation entries (:mod:`.navigation`); :data:`AREAS` is the only
list of them. Pages work without JavaScript; ``static/spar.js`` (and
``static/evaluation.js`` on a scoring job's page) only enhance them, and no page has
inline scripts or styles.
"""

from __future__ import annotations

from flask import Blueprint

#: The areas of pages, in navigation order.
AREAS = ("public", "account", "supplier", "bids", "buyer", "evaluation", "auditor", "admin",
         "downloads", "programme", "profile", "sourcing", "indicators")

#: The templates of every area, the stylesheet, the enhancement script and the vendored
#: Swagger UI.
assets = Blueprint("assets", __name__, static_folder="static", static_url_path="/assets",
                   template_folder="templates")


def init_web(app) -> None:
    """Wire the pages: languages, signed-in sessions, CSRF on every form, the areas'
    blueprints, French formatting and error pages a person understands."""
    import importlib

    from . import csrf, errors, formatting, i18n, layout, session

    i18n.init_app(app)
    session.init_app(app)
    csrf.init_app(app)
    formatting.init_app(app)
    layout.init_app(app)
    app.register_blueprint(assets)
    for name in AREAS:
        app.register_blueprint(importlib.import_module(f"{__name__}.{name}").bp)
    errors.init_app(app)
