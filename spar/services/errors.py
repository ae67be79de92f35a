"""Typed errors of the use cases, written for people; the API maps them to HTTP codes."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """Base: ``message`` for people, ``errors`` for machines (field → messages)."""

    http_status = 400

    def __init__(self, message: str, errors: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class Unauthorized(ServiceError):
    http_status = 401


class Forbidden(ServiceError):
    http_status = 403


class NotFound(ServiceError):
    http_status = 404


class Conflict(ServiceError):
    http_status = 409


class Invalid(ServiceError):
    http_status = 422


class TooManyRequests(ServiceError):
    http_status = 429
