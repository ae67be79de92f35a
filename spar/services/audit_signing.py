"""Signed heads of the audit log, in the spirit of Certificate Transparency.

Every entry is signed when it is written: the signature covers the log's *head* at that
moment — its size (the entry's number), the entry's hash (which chains every entry
before it) and its time. Someone who can write to the database but does not hold the
key cannot rewrite the chain and sign it again; a head an auditor exported and kept
(``spar audit checkpoint``, ``GET /audit-log/checkpoint``) later proves that the log
still holds everything up to it, so a truncated tail is found too.

The key is Ed25519 (``SPAR_AUDIT_KEY``, 64 hexadecimal characters: the private seed).
Anyone can check a head with the public key alone; after a change of key the former
public keys stay trusted through ``SPAR_AUDIT_TRUSTED_KEYS``. Without a configured key
the service signs with a demonstration key whose seed is public: enough to try spar
out, worthless as proof, and every verification says so.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (Ed25519PrivateKey,
                                                               Ed25519PublicKey)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ALGORITHM = "ed25519"
LOG_NAME = "spar-audit-log"
#: The demonstration key: its seed is written here, so it proves nothing.
DEMO_SEED = hashlib.sha256(b"spar: cle de demonstration du journal d'audit").hexdigest()


class AuditKeyError(ValueError):
    """A malformed key in the configuration (the message never repeats the key)."""


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id_of(public_hex: str) -> str:
    """A short name for a public key: the start of its SHA-256."""
    return hashlib.sha256(bytes.fromhex(public_hex)).hexdigest()[:16]


def head_payload(size: int, head: str, timestamp: str) -> bytes:
    """The bytes a signature covers: the log's name, size, head hash and time."""
    return json.dumps({"log": LOG_NAME, "size": size, "head": head, "timestamp": timestamp},
                      sort_keys=True, separators=(",", ":")).encode("utf-8")


def _hex_key(value: str, name: str) -> bytes:
    value = value.strip()
    try:
        raw = bytes.fromhex(value)
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise AuditKeyError(f"{name} : 64 caractères hexadécimaux attendus (clé Ed25519 de "
                            "32 octets) ; « spar audit keygen » en crée une")
    return raw


@dataclass(frozen=True)
class Keyring:
    """The signing key and every public key whose signatures are trusted."""

    private: Ed25519PrivateKey
    key_id: str
    public_hex: str
    trusted: dict[str, Ed25519PublicKey]  # key id → public key
    demo: bool

    def sign(self, size: int, head: str, timestamp: str) -> str:
        return self.private.sign(head_payload(size, head, timestamp)).hex()

    def check(self, key_id: str | None, signature: str | None, size: int, head: str,
              timestamp: str) -> str | None:
        """None when ``signature`` is a trusted key's over this head, else why not."""
        if not signature or not key_id:
            return "non signée"
        public = self.trusted.get(key_id)
        if public is None:
            return f"signée par une clé inconnue ({key_id})"
        try:
            public.verify(bytes.fromhex(signature), head_payload(size, head, timestamp))
        except (InvalidSignature, ValueError):
            return "signature invalide"
        return None


@lru_cache(maxsize=8)
def _keyring(seed_hex: str, trusted_hex: str, demo: bool) -> Keyring:
    private = Ed25519PrivateKey.from_private_bytes(_hex_key(seed_hex, "SPAR_AUDIT_KEY"))
    public_hex = _raw_public(private.public_key()).hex()
    trusted = {key_id_of(public_hex): private.public_key()}
    for item in filter(None, (part.strip() for part in trusted_hex.split(","))):
        raw = _hex_key(item, "SPAR_AUDIT_TRUSTED_KEYS")
        trusted[key_id_of(raw.hex())] = Ed25519PublicKey.from_public_bytes(raw)
    return Keyring(private, key_id_of(public_hex), public_hex, trusted, demo)


def keyring(settings: dict[str, Any]) -> Keyring:
    """The keys named by the configuration (``AUDIT_KEY``, ``AUDIT_TRUSTED_KEYS``)."""
    seed = settings.get("AUDIT_KEY") or ""
    return _keyring(seed or DEMO_SEED, settings.get("AUDIT_TRUSTED_KEYS") or "", not seed)


def new_key() -> tuple[str, str]:
    """A fresh signing key: (private seed, public key), both hexadecimal."""
    seed = secrets.token_bytes(32)
    public = _raw_public(Ed25519PrivateKey.from_private_bytes(seed).public_key())
    return seed.hex(), public.hex()
