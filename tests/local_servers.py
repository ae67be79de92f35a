"""Real servers on 127.0.0.1 that tests start and stop: an SMTP server (aiosmtpd) and an
HTTP server answering like the SIRENE directory's *API Recherche d'entreprises*."""

from __future__ import annotations

import json
import socket
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition: Callable[[], Any], timeout: float = 10.0, what: str = "condition"):
    """Poll ``condition`` until it is truthy (its value), or fail after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} : toujours faux après {timeout} s")
        time.sleep(0.05)


# --- SMTP -------------------------------------------------------------------------------


class Mailbox:
    """An aiosmtpd handler keeping every message; ``refuse`` recipients get a 550."""

    def __init__(self, refuse: set[str] | None = None):
        self.messages: list[dict[str, Any]] = []
        self.refuse = refuse or set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 boîte inconnue"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos),
                              "subject": message["subject"],
                              "body": message.get_body(("plain",)).get_content()})
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server(port: int | None = None, refuse: set[str] | None = None):
    """A real SMTP server on 127.0.0.1; yields (mailbox, port)."""
    from aiosmtpd.controller import Controller

    mailbox = Mailbox(refuse)
    controller = Controller(mailbox, hostname="127.0.0.1", port=port or free_port())
    controller.start()
    try:
        yield mailbox, controller.port
    finally:
        controller.stop()


# --- SIRENE -----------------------------------------------------------------------------


def sirene_answer(siret: str, *, name: str = "ATELIER DU MARAIS", category: str | None = "PME",
                  band: str | None = "11", head_office: bool = True,
                  commune: str = "69123", departement: str = "69") -> dict[str, Any]:
    """An answer of ``GET /search?q=<SIRET>`` shaped as the API's documentation says."""
    place = {"siret": siret, "adresse": "12 RUE DES CANUTS 69004 LYON",
             "code_postal": "69004", "commune": commune, "libelle_commune": "LYON",
             "est_siege": head_office, "etat_administratif": "A",
             "tranche_effectif_salarie": band, "activite_principale": "17.23Z"}
    siege = {**place, "departement": departement} if head_office else {
        "siret": siret[:9] + "00019", "adresse": "1 PLACE BELLECOUR 69002 LYON",
        "code_postal": "69002", "commune": "69123", "departement": "69",
        "est_siege": True, "etat_administratif": "A"}
    return {"results": [{
        "siren": siret[:9], "nom_complet": name, "nom_raison_sociale": name,
        "sigle": None, "nombre_etablissements": 2, "nombre_etablissements_ouverts": 2,
        "siege": siege, "activite_principale": "17.23Z", "categorie_entreprise": category,
        "annee_categorie_entreprise": "2023", "caractere_employeur": "O",
        "date_creation": "2004-05-01", "etat_administratif": "A", "nature_juridique": "5499",
        "section_activite_principale": "C", "tranche_effectif_salarie": band,
        "annee_tranche_effectif_salarie": "2023", "statut_diffusion": "O",
        "matching_etablissements": [place], "finances": {}, "complements": {
            "est_ess": False, "est_rge": False, "egapro_renseignee": True}}],
        "total_results": 1, "page": 1, "per_page": 10, "total_pages": 1}


class Directory:
    """What the fake directory knows and how it behaves; ``requests`` counts the calls."""

    def __init__(self):
        self.known: dict[str, dict[str, Any]] = {}
        self.requests: list[str] = []
        self.delay = 0.0
        self.status = 200
        self.raw: bytes | None = None


@contextmanager
def sirene_server():
    """An HTTP server answering ``/search?q=`` like the SIRENE directory; yields
    (directory, base URL)."""
    directory = Directory()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server API
            parts = urlsplit(self.path)
            query = parse_qs(parts.query).get("q", [""])[0]
            directory.requests.append(query)
            if directory.delay:
                time.sleep(directory.delay)
            if directory.status != 200:
                body = json.dumps({"erreur": "Trop de requêtes"}).encode()
                self.send_response(directory.status)
            elif parts.path != "/search":
                body = b'{"erreur": "not found"}'
                self.send_response(404)
            else:
                body = directory.raw if directory.raw is not None else json.dumps(
                    directory.known.get(query) or {"results": [], "total_results": 0,
                                                   "page": 1, "per_page": 10,
                                                   "total_pages": 0}).encode()
                self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
                pass

        def log_message(self, *args):  # keep the test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield directory, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
