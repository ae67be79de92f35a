"""The synthetic generator: deterministic, labelled by cause, written and read back."""

import pytest

from spar.review import ReviewInputError
from spar.review.synth import (BENIGN, MECHANISMS, SynthConfig, generate, read_table,
                               table_sha256, to_table, write_table)


def test_same_seed_same_data(tiny_table):
    assert table_sha256(to_table(generate(SynthConfig(lots=200, seed=3)))) == \
        table_sha256(tiny_table)


def test_another_seed_other_data(tiny_table):
    assert table_sha256(to_table(generate(SynthConfig(lots=200, seed=4)))) != \
        table_sha256(tiny_table)


def test_every_cause_is_injected_and_labelled():
    table = to_table(generate(SynthConfig(lots=1500, seed=11)))
    causes = set(table["cause"])
    assert set(MECHANISMS) | set(BENIGN) | {"none"} == causes
    assert (table["label"] == table["cause"].isin(MECHANISMS)).all()
    assert 0.05 < table["label"].mean() < 0.2


def test_lots_have_a_realistic_number_of_offers(tiny_table):
    sizes = tiny_table.groupby("lot").size()
    assert (sizes == 1).any() and sizes.max() > 5
    assert 3 < sizes.mean() < 7


def test_a_mechanism_can_be_left_out():
    table = to_table(generate(SynthConfig(lots=300, seed=5,
                                          mechanisms=("abnormally_low", "identical_price"))))
    assert set(table["cause"]) & set(MECHANISMS) <= {"abnormally_low", "identical_price"}


def test_unknown_mechanism_is_refused():
    with pytest.raises(ReviewInputError, match="Mécanisme inconnu : bribery"):
        SynthConfig(mechanisms=("bribery",))


def test_table_round_trips_through_csv(tiny_table, tmp_path):
    path = tmp_path / "lots.csv"
    write_table(tiny_table, path)
    again = read_table(path)
    assert table_sha256(again) == table_sha256(tiny_table)


def test_reading_a_table_without_its_columns_names_them(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("lot,offer\nL1,A\n", encoding="utf-8")
    with pytest.raises(ReviewInputError, match="colonnes manquantes : cause, label"):
        read_table(path)


def test_reading_a_missing_table(tmp_path):
    with pytest.raises(ReviewInputError, match="fichier introuvable"):
        read_table(tmp_path / "none.csv")
