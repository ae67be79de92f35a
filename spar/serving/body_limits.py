"""The body size limit, for chunked bodies too.

Werkzeug refuses a ``Content-Length`` over ``MAX_CONTENT_LENGTH`` with a 413, but reads a
chunked body (no ``Content-Length``) only up to the limit and stops there: the view would
see the first 2 MiB of a 3 MiB criteria file and might accept it. Here the body is read
(at most the limit), then one byte more is asked of the server: if there is one, the
request is refused whole with a 413. The rest of the body is read and dropped, up to as
much again, so that the client, still sending, gets the 413 rather than a broken
connection; a longer body is cut off.
"""

from __future__ import annotations

from flask import current_app, request
from werkzeug.exceptions import RequestEntityTooLarge


def refuse_oversized_stream() -> None:
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    environ = request.environ
    if not limit or request.content_length is not None:
        return  # no limit, or Werkzeug checks the declared length
    if "wsgi.input_terminated" not in environ:
        return  # no length and no server-terminated stream: Werkzeug reads nothing
    data = request.get_data(cache=True)  # at most ``limit`` bytes
    stream = environ["wsgi.input"]
    if len(data) >= limit and stream.read(1):
        remaining = limit
        while remaining > 0 and (piece := stream.read(min(65536, remaining))):
            remaining -= len(piece)
        raise RequestEntityTooLarge()
