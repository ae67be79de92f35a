"""The vectorised SIRET check agrees with python-stdnum."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from stdnum.fr import siret

from spar.offers_file import siret_valid


@given(st.lists(st.text(alphabet="0123456789", min_size=13, max_size=15), max_size=30))
def test_siret_check_agrees_with_stdnum(numbers):
    assert siret_valid(numbers).tolist() == [siret.is_valid(n) for n in numbers]


def test_la_poste_establishments_are_valid_without_luhn():
    # SIREN 356000000 (La Poste) is the exception stdnum knows: the digit sum is used
    assert siret_valid(["35600000000001", "73282932000074", None, "7328293200007"]).tolist() \
        == [True, True, True, False]
