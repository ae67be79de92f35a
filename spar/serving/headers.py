"""Security headers on every response, and ``no-store`` on everything sealed or personal.

The pages follow one rule that the policy enforces: no inline script or style, every
script and stylesheet served by spar itself (``default-src 'self'``) — the interactive API
documentation (``/docs``) included, since its Swagger UI is vendored and started from a
file. Images may also be ``data:`` URIs (Swagger UI's stylesheet draws its icons so).
"""

from __future__ import annotations

from flask import current_app, request

POLICY = ("default-src 'self'; img-src 'self' data:; base-uri 'self'; form-action 'self'; "
          "frame-ancestors 'none'; object-src 'none'")


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
    headers.setdefault("Content-Security-Policy", POLICY)
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
