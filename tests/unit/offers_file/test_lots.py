"""Choosing the lot to score in a file that may hold several."""

from __future__ import annotations

import json

import pytest

from spar.offers_file import OffersFileError, read_offers

TWO_LOTS = "id,lot,price_eur\nA,1,10\nB,2,11\nC,1,12\nD,10,9\n"


def test_several_lots_without_lot_is_an_error_naming_them(criteria, write):
    path = write("offers.csv", TWO_LOTS)
    with pytest.raises(OffersFileError) as exc:
        read_offers(path, criteria)
    assert exc.value.lines() == [f"{path}: le fichier contient plusieurs lots (1, 2, 10) : "
                                 "choisissez-en un avec --lot"]


def test_lot_selects_its_offers(criteria, write):
    lot = read_offers(write("offers.csv", TWO_LOTS), criteria, lot="1").lot
    assert (lot.offer_ids, lot.lot_id) == (("A", "C"), "1")
    assert list(lot.columns["price_eur"]) == [10.0, 12.0]


def test_only_the_chosen_lot_is_checked(criteria, write):
    path = write("offers.csv", "id,lot,price_eur\nA,1,10\nB,2,cher\n")
    assert read_offers(path, criteria, lot="1").lot.offer_ids == ("A",)


def test_unknown_lot_lists_the_lots_present(criteria, write):
    path = write("offers.csv", TWO_LOTS)
    with pytest.raises(OffersFileError) as exc:
        read_offers(path, criteria, lot="3")
    assert exc.value.lines() == [f"{path}: lot « 3 » absent du fichier ; lots présents : "
                                 "1, 2, 10"]


def test_a_single_lot_is_chosen_by_itself(criteria, write):
    lot = read_offers(write("offers.csv", "id,lot,price_eur\nA,7,10\n"), criteria).lot
    assert lot.lot_id == "7"


def test_a_file_without_lots_is_the_lot_the_buyer_names(criteria, write):
    path = write("offers.csv", "id,price_eur\nA,10\n")
    assert read_offers(path, criteria).lot.lot_id is None
    assert read_offers(path, criteria, lot="2").lot.lot_id == "2"


def test_offers_without_lot_in_a_file_with_lots_are_refused(criteria, write):
    path = write("offers.csv", "id,lot,price_eur\nA,1,10\nB,,11\n")
    with pytest.raises(OffersFileError, match="offre.s. sans lot .*: B"):
        read_offers(path, criteria, lot="1")


def test_json_numeric_lots_match_the_lot_option(criteria, write):
    offers = [{"id": "A", "lot": 1, "answers": {"price_eur": 10}},
              {"id": "B", "lot": 2, "answers": {"price_eur": 11}}]
    lot = read_offers(write("offers.json", json.dumps(offers)), criteria, lot="2").lot
    assert lot.offer_ids == ("B",)
