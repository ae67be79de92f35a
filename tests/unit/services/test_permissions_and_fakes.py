"""Who may do what is one table; the fakes answer the same verbs as the repositories."""

from __future__ import annotations

import inspect

import pytest

from spar.services import permissions, repositories
from spar.services.errors import Forbidden, RoleNotAllowed
from spar.services.principal import ROLES, Principal

from . import fakes


def test_every_rule_names_known_roles_and_says_why_to_the_others():
    for action, rule in permissions.RULES.items():
        assert rule.roles and set(rule.roles) <= set(ROLES), action
        assert rule.refusal.strip(), action


@pytest.mark.parametrize("action", sorted(permissions.RULES))
def test_require_lets_the_roles_of_the_rule_through_and_refuses_the_others(action):
    rule = permissions.RULES[action]
    for role in (*ROLES, None):
        principal = Principal(None, role, 1)
        if role in rule.roles:
            permissions.require(principal, action)
        else:
            with pytest.raises(RoleNotAllowed, match=rule.refusal) as refused:
                permissions.require(principal, action)
            assert isinstance(refused.value, Forbidden)  # what other branches catch


def test_an_organisation_has_members_only_among_its_buyers_and_auditors():
    assert permissions.is_member(Principal(None, "auditor", 3), 3)
    assert not permissions.is_member(Principal(None, "buyer", 3), 4)
    assert not permissions.is_member(Principal(None, "supplier", 3), 3)
    assert not permissions.is_member(Principal(None, "buyer", None), None)


def _verbs(cls) -> dict[str, inspect.Signature]:
    return {name: inspect.signature(member) for name, member in inspect.getmembers(cls)
            if inspect.isfunction(member) and not name.startswith("_")}


def test_each_fake_repository_answers_the_verbs_of_the_real_one():
    uow = fakes.FakeUnitOfWork()
    for name, repository in vars(repositories.Repositories(None)).items():
        real, fake = _verbs(type(repository)), _verbs(type(getattr(uow, name)))
        for verb, signature in real.items():
            assert verb in fake, f"{type(getattr(uow, name)).__name__} lacks {verb}"
            assert list(signature.parameters) == list(fake[verb].parameters), (name, verb)


def test_the_shells_name_an_action_or_roles_and_read_the_same_table():
    assert permissions.allowed_roles("programme.follow") == ("buyer", "auditor")
    assert permissions.allowed_roles("admin", "consultation.read") == \
        ("admin", "buyer", "auditor", "supplier")
    assert permissions.allowed_roles("buyer", "admin") == ("buyer", "admin")
    assert permissions.refusal("profile.search") == \
        "annuaire des entreprises réservé aux acheteurs"
    assert permissions.refusal("buyer") is None
    with pytest.raises(KeyError):
        permissions.allowed_roles("consultation.delete")  # a typo fails at import, not later
