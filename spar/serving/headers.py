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

#: What every response carries, unless its view set the header itself.
DEFAULTS = (
    ("Content-Security-Policy", POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),  # frame-ancestors for older browsers
    ("Referrer-Policy", "no-referrer"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)


#: The lower-case names of :data:`DEFAULTS`, compared with a response's at each request.
_DEFAULTS_LOWER = tuple((name.lower(), name, value) for name, value in DEFAULTS)


def _private(req, response) -> bool:
    """Whether a shared cache or the browser's disk must not keep this response: anything
    answered to a caller who identified itself (offers, rankings, exports, receipts, the
    audit log, tokens, jobs), anything answering a write (self-assessment answers), and
    any error."""
    # the WSGI environ rather than request.headers: asking the headers for one that is
    # absent raises and catches an exception, and these are absent from most requests
    environ = req.environ
    return (req.method not in ("GET", "HEAD") or "HTTP_AUTHORIZATION" in environ
            or "HTTP_COOKIE" in environ or response.status_code >= 400)


def add_security_headers(response):
    # the request read once: each attribute read through Flask's ``request`` proxy
    # looks the request up again
    req = request._get_current_object()
    headers = response.headers
    # the names present, read once: setdefault looks each one up by raising and catching
    # an exception when it is absent, as these nearly always are; none of the headers
    # added below is one of those tested again further down (Vary, Cache-Control)
    present = {name.lower() for name in headers.keys()}
    for lower, name, value in _DEFAULTS_LOWER:
        if lower not in present:
            headers.add(name, value)
    if req.is_secure:
        config = current_app.config
        if config.get("HSTS_MAX_AGE"):
            # is_secure reads X-Forwarded-Proto once SPAR_PROXY_FIX trusts the proxy
            headers.setdefault("Strict-Transport-Security",
                               f"max-age={int(config['HSTS_MAX_AGE'])}; includeSubDomains")
    if req.path.startswith("/api/"):
        if "vary" in present:
            response.vary.add("Authorization")
        else:  # what vary.add writes when there is no Vary yet, without parsing a header set
            headers.add("Vary", "Authorization")
    if _private(req, response):
        if "cache-control" in present:
            headers["Cache-Control"] = "no-store"
        else:  # what the assignment does when the header is absent, without searching for it
            headers.add("Cache-Control", "no-store")
    return response
