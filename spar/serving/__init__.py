"""How the app meets the network: request ids and logs, metrics, security headers, body
limits and the trusted proxies. :func:`init_serving` wires it all into an app."""

from __future__ import annotations


def init_serving(app) -> None:
    """Before any other ``before_request``: the request's id and timers, then the body
    limit (the API's own checks read the body after it)."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    from . import body_limits, headers, metrics, request_log

    proxies = int(app.config.get("PROXY_FIX") or 0)
    if proxies:
        # only behind a proxy that sets these headers: otherwise anyone could claim any
        # address (rate limits) or HTTPS (HSTS, secure cookies)
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies,
                                x_port=proxies, x_prefix=proxies)
    app.before_request(request_log.start_request)
    app.before_request(metrics.start_timer)
    app.before_request(body_limits.refuse_oversized_stream)
    # after_request functions run last-registered first: the log sees the final response
    app.after_request(request_log.log_request)
    app.after_request(metrics.observe)
    app.after_request(headers.add_security_headers)
    app.add_url_rule("/metrics", "metrics", metrics.metrics_view, methods=["GET"])


def settle_worker() -> None:
    """Once a serving process has built its app: leave what it built out of the garbage
    collector's full passes.

    The app, its libraries and its caches are some 125,000 objects that live as long as
    the process; every full collection walked them all (90 ms at once, a request stalled
    as long) to find nothing. Frozen, they are never walked again; what requests create
    is collected as before.
    """
    import gc

    gc.freeze()
