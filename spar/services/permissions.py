"""Who may do what: each action of the use cases and the roles that may take it, in one
table, with what the others are told.

The use cases ask :func:`require` before anything else; what depends on the thing
itself (its organisation, whether it is published) is checked where the thing is read,
by the rules beside it (:func:`spar.services.consultations.check_visible`…).
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import RoleNotAllowed
from .principal import Principal


@dataclass(frozen=True)
class Rule:
    roles: tuple[str, ...]
    #: What anyone else is told.
    refusal: str


BUYERS_ONLY = "action réservée aux acheteurs"

RULES: dict[str, Rule] = {
    # consultations (SPEC §6.1)
    "consultation.create": Rule(("buyer",), BUYERS_ONLY),
    #: publish, score, export for the file: the buyers of the consultation's organisation
    "consultation.manage": Rule(("buyer",), BUYERS_ONLY),
    "consultation.read": Rule(("buyer", "auditor", "supplier"),
                              "accès réservé aux acheteurs, contrôleurs et entreprises"),
    "consultation.list_own": Rule(("buyer", "auditor"),
                                  "réservé aux acheteurs et contrôleurs d'une organisation"),
    # an offer's marks and review: the buyers of the consultation's organisation
    "mark.set": Rule(("buyer",), BUYERS_ONLY),
    "review.read": Rule(("buyer",), BUYERS_ONLY),
    "review.decide": Rule(("buyer",), BUYERS_ONLY),
    # the purchasing programme (SPEC §8)
    "programme.create": Rule(("buyer",), BUYERS_ONLY),
    "programme.edit": Rule(("buyer",), "réservé aux acheteurs de l'organisation"),
    "programme.follow": Rule(("buyer", "auditor"),
                             "réservé aux acheteurs et contrôleurs de l'organisation"),
    "programme.interest": Rule(("supplier",), "seules les entreprises signalent leur intérêt"),
    "programme.match_own": Rule(("supplier",), "réservé aux entreprises"),
    "notice.read_own": Rule(("supplier",), "avis réservés aux entreprises"),
    # offers and their scoring
    "offer.submit": Rule(("supplier",), "seules les entreprises soumettent des offres"),
    "offer.read_own": Rule(("supplier",), "réservé aux entreprises"),
    "offer.receipt": Rule(("supplier", "buyer", "auditor"),
                          "accusé de réception réservé à l'entreprise qui a remis l'offre, "
                          "à l'acheteur et aux contrôleurs"),
    "scoring.read": Rule(("buyer", "auditor", "supplier"),
                         "accès réservé aux acheteurs, contrôleurs et entreprises"),
    "scoring.sensitivity": Rule(("buyer", "auditor"), "réservé aux acheteurs et contrôleurs"),
    "scoring.reproduce": Rule(("auditor", "buyer", "admin"),
                              "réservé aux contrôleurs et aux acheteurs"),
    "export.background": Rule(("buyer", "auditor"),
                              "exports en arrière-plan réservés aux acheteurs et contrôleurs"),
    "review_model.train": Rule(("admin",), "réentraînement réservé aux administrateurs"),
    "audit_log.read": Rule(("auditor", "admin"),
                           "journal réservé aux contrôleurs et administrateurs"),
    # company profiles (SPEC §8): a firm's own; the directory of visible ones for buyers
    "profile.own": Rule(("supplier",), "profil réservé aux entreprises"),
    "profile.search": Rule(("buyer",), "annuaire des entreprises réservé aux acheteurs"),
}

#: The roles that see an organisation's drafts and sealed counts: its members.
MEMBER_ROLES = ("buyer", "auditor")


def may(principal: Principal, action: str) -> bool:
    """Does the caller's role allow ``action``?"""
    return principal.role in RULES[action].roles


def require(principal: Principal, action: str) -> None:
    """RoleNotAllowed, with the table's words, unless the caller's role allows ``action``."""
    if not may(principal, action):
        raise RoleNotAllowed(RULES[action].refusal)


def allowed_roles(*roles_or_actions: str) -> tuple[str, ...]:
    """The roles named, and those of each action named (an action has a dot, a role
    none): how the API's ``requires`` and the pages' ``page_for`` read this table."""
    out: list[str] = []
    for name in roles_or_actions:
        for role in RULES[name].roles if "." in name else (name,):
            if role not in out:
                out.append(role)
    return tuple(out)


def refusal(*roles_or_actions: str) -> str | None:
    """What the table tells the others when a single action is named, else None."""
    if len(roles_or_actions) == 1 and "." in roles_or_actions[0]:
        return RULES[roles_or_actions[0]].refusal
    return None


def is_member(principal: Principal, organisation_id: int | None) -> bool:
    """Is the caller a buyer or auditor of ``organisation_id``?"""
    return (principal.role in MEMBER_ROLES and organisation_id is not None
            and principal.organisation_id == organisation_id)
