"""Security headers on every response, and ``no-store`` on everything sealed or personal.

The pages follow one rule that the policy enforces: no inline script or style, every
script and stylesheet served by spar itself (``default-src 'self'``). The interactive API
documentation (``/docs``) is the one exception: its page, written by flask-smorest, starts
Swagger UI with an inline script and loads it from ``OPENAPI_SWAGGER_UI_URL``; it holds
no data of anyone's, and only that page gets the wider policy.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, request

POLICY = ("default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; "
          "object-src 'none'")


def docs_policy(swagger_ui_url: str | None) -> str:
    """The policy of the ``/docs`` page: its inline start-up script and, when Swagger UI
    is not served by spar, the origin it comes from."""
    origin = ""
    if swagger_ui_url and urlsplit(swagger_ui_url).netloc:
        parts = urlsplit(swagger_ui_url)
        origin = f" {parts.scheme}://{parts.netloc}"
    return (f"default-src 'self'; script-src 'self' 'unsafe-inline'{origin}; "
            f"style-src 'self' 'unsafe-inline'{origin}; img-src 'self' data:{origin}; "
            "base-uri 'self'; form-action 'self'; frame-ancestors 'none'; object-src 'none'")


def _private(response) -> bool:
    """Whether a shared cache or the browser's disk must not keep this response: anything
    answered to a caller who identified itself (offers, rankings, exports, receipts, the
    audit log, tokens, jobs), anything answering a write (self-assessment answers), and
    any error."""
    return (request.method not in ("GET", "HEAD") or "Authorization" in request.headers
            or "Cookie" in request.headers or response.status_code >= 400)


def add_security_headers(response):
    config = current_app.config
    headers = response.headers
    docs = config.get("OPENAPI_SWAGGER_UI_PATH")
    on_docs = bool(docs) and request.path == docs
    headers.setdefault("Content-Security-Policy",
                       docs_policy(config.get("OPENAPI_SWAGGER_UI_URL")) if on_docs else POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")  # frame-ancestors for older browsers
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure and config.get("HSTS_MAX_AGE"):
        # is_secure reads X-Forwarded-Proto once SPAR_PROXY_FIX trusts the proxy
        headers.setdefault("Strict-Transport-Security",
                           f"max-age={int(config['HSTS_MAX_AGE'])}; includeSubDomains")
    if request.path.startswith("/api/"):
        response.vary.add("Authorization")
    if _private(response):
        response.headers["Cache-Control"] = "no-store"
    return response
