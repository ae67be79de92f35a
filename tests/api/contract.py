"""Check an answer of the app against its own ``/openapi.json``: the status code and the
media type are documented for the operation, and the body matches the declared schema."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import schemathesis

#: ``<reference>``, ``<int:version>``, ``<int(max=…):token_id>`` → ``{reference}``…
_CONVERTED = re.compile(r"<(?:[^:<>]+:)?([^<>:]+)>")


class Contract:
    def __init__(self, app):
        self.document = app.test_client().get("/openapi.json").get_json()
        self.schema = schemathesis.openapi.from_dict(self.document)
        self.adapter = app.url_map.bind("localhost")

    def template(self, method: str, url: str) -> str:
        """The documented path of the route that serves ``url``."""
        rule, _ = self.adapter.match(urlsplit(url).path, method=method, return_rule=True)
        return _CONVERTED.sub(r"{\1}", rule.rule)

    def check(self, method: str, url: str, response) -> None:
        """AssertionError (or schemathesis' FailureGroup) naming what is not as documented."""
        path = self.template(method, url)
        operation = self.document["paths"][path][method.lower()]
        responses = operation["responses"]
        documented = responses.get(str(response.status_code)) or responses.get("default")
        assert documented is not None, (
            f"{method} {path}: statut {response.status_code} non documenté ({sorted(responses)})")
        if "$ref" in documented:
            documented = self.document["components"]["responses"][
                documented["$ref"].rsplit("/", 1)[1]]
        media_types = {m.split(";")[0].strip() for m in documented.get("content", {})}
        if response.data:
            assert response.mimetype in media_types, (
                f"{method} {path}: type {response.mimetype} non documenté pour le statut "
                f"{response.status_code} ({sorted(media_types)})")
        self.schema[path][method.upper()].validate_response(response)
