"""Who is calling: the role and what the token or the signed-in person is bound to."""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("admin", "buyer", "supplier", "auditor")


@dataclass(frozen=True)
class Principal:
    token_id: int | None
    role: str | None  # None: anonymous
    organisation_id: int | None = None
    siret: str | None = None
    name: str | None = None
    #: The person acting, through a browser session or a personal token (None: a token
    #: made for a system, or the command line).
    person_id: int | None = None
    email: str | None = None

    @property
    def anonymous(self) -> bool:
        return self.role is None

    def audit_identity(self) -> dict:
        return {"token_id": self.token_id, "role": self.role}

    def audit_person(self) -> dict:
        """What every audit entry records of the person who acted (nothing for a system)."""
        if self.person_id is None:
            return {}
        return {"person": {"id": self.person_id, "email": self.email}}


ANONYMOUS = Principal(None, None)
#: The command line acting on the operator's behalf (token creation, demo seeding).
OPERATOR = Principal(None, "admin", name="ligne de commande")
