"""Fixtures of the review tests: the synthetic criteria, tiny data and a tiny model."""

from __future__ import annotations

import pytest

from spar.criteria_file import load_criteria_document
from spar.engine.answers import lot_from_offers
from spar.engine.scoring import score_lot
from spar.review.model import TrainingParams
from spar.review.synth import CRITERIA_DOCUMENT, MECHANISMS, SynthConfig, generate, to_table
from spar.review.training import train_on_table

#: Small enough to train in about a second; the shipped model is tested separately.
TINY_PARAMS = TrainingParams(boosting_iterations=25, calibration_folds=2)
TINY_LOTS, TINY_SEED = 200, 3


@pytest.fixture(scope="session")
def criteria():
    return load_criteria_document(CRITERIA_DOCUMENT)


@pytest.fixture(scope="session")
def score(criteria):
    """Score SPEC §3 offers with the synthetic criteria."""
    def run(offers, estimate=None):
        return score_lot(criteria, lot_from_offers(criteria, offers, estimate=estimate))
    return run


@pytest.fixture(scope="session")
def tiny_table():
    return to_table(generate(SynthConfig(lots=TINY_LOTS, seed=TINY_SEED)))


@pytest.fixture(scope="session")
def tiny_model(tiny_table):
    source = {"kind": "synthetic", "lots": TINY_LOTS, "seed": TINY_SEED,
              "mechanisms": list(MECHANISMS), "description": "tests"}
    return train_on_table(tiny_table, seed=TINY_SEED, budget=0.1, source=source,
                          params=TINY_PARAMS)


def offer(oid: str, price: float, *, supplier: str | None = None, co2: float = 2.0,
          recycled: float = 40.0, labels=(), evidence=(), mark: int = 2, **answers) -> dict:
    """An offer on the synthetic criteria with ordinary answers unless told otherwise."""
    return {
        "id": oid, "supplier": {"name": supplier or f"Entreprise {oid}"},
        "answers": {"price_eur": price, "co2e_kg": co2, "recycled_pct": recycled,
                    "labels": list(labels), "insertion_hours": 100, "egapro_index": 90,
                    "technical_mark": mark, **answers},
        "evidence": {"labels": list(evidence)},
    }
