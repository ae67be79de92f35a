"""Train the review model from a table of labelled offers and describe what was trained.

The table (see :func:`spar.review.synth.to_table`) is split by lot — never two
offers of one lot on both sides — into training offers and validation offers;
the validation offers set the threshold and give the figures of the metadata.
"""

from __future__ import annotations

import platform
from dataclasses import asdict
from importlib import metadata as importlib_metadata
from typing import Any, Mapping

import numpy as np

from .artifact import FORMAT_VERSION
from .errors import ReviewInputError
from .features import FEATURE_NAMES
from .metrics import ranking_report
from .model import STEP_NAMES, ReviewModel, TrainingParams, fit_model
from .synth import MECHANISMS, table_sha256

VALIDATION_SHARE = 0.2


def library_versions() -> dict[str, str]:
    """Versions of the libraries the artifact depends on."""
    out = {"python": platform.python_version()}
    for name in ("scikit-learn", "numpy", "scipy", "skops"):
        out[name] = importlib_metadata.version(name)
    return out


def split_by_lot(lots: np.ndarray, share: float, seed: int) -> np.ndarray:
    """True for the offers of a random ``share`` of the lots (seeded)."""
    unique, codes = np.unique(lots, return_inverse=True)
    chosen = np.random.default_rng(seed).random(len(unique)) < share
    return chosen[codes.reshape(-1)]


def rules_report(table, seed: int) -> dict[str, Any]:
    """The rules alone: ranked by their score, never beyond the offers they flag."""
    score = table["rules_score"].to_numpy(dtype=np.float64)
    return ranking_report(table["label"].to_numpy(), score, (score > 0).astype(np.float64),
                          eligible=score > 0, seed=seed)


def model_report(model: ReviewModel, table, seed: int) -> dict[str, Any]:
    """The model's ranking and probabilities on the offers of ``table``."""
    score = model.score(table[list(FEATURE_NAMES)].to_numpy(dtype=np.float64))
    return ranking_report(table["label"].to_numpy(), score, score, seed=seed)


def train_on_table(table, *, seed: int, budget: float, source: Mapping[str, Any],
                   params: TrainingParams = TrainingParams()) -> ReviewModel:
    """Fit on 80 % of the lots, set the threshold and measure on the other 20 %.

    ``source`` says where the table came from (recorded as is in the metadata,
    which the returned model carries).
    """
    if not len(table):
        raise ReviewInputError("Table d'entraînement vide.")
    data_hash = table_sha256(table)
    held = split_by_lot(table["lot"].to_numpy(), VALIDATION_SHARE, seed)
    train, valid = table[~held], table[held]
    if not len(valid) or not len(train):
        raise ReviewInputError("Trop peu de lots pour séparer entraînement et validation.")
    x = train[list(FEATURE_NAMES)].to_numpy(dtype=np.float64)
    model = fit_model(x, train["label"].to_numpy(), budget=budget, seed=seed, params=params,
                      threshold_matrix=valid[list(FEATURE_NAMES)].to_numpy(dtype=np.float64),
                      identity={"data_sha256": data_hash})
    causes = table["cause"].value_counts().sort_index()
    describe_model(model, source=source, data_hash=data_hash, seed=seed, params=params,
                   data={"lots": int(table["lot"].nunique()), "offers": int(len(table)),
                         "positives": int(table["label"].sum()),
                         "causes": {str(k): int(v) for k, v in causes.items()},
                         "validation_share": VALIDATION_SHARE},
                   metrics={"validation": {"model": model_report(model, valid, seed),
                                           "rules": rules_report(valid, seed)}})
    return model


def describe_model(model: ReviewModel, *, source: Mapping[str, Any], data_hash: str, seed: int,
                   params: TrainingParams, data: Mapping[str, Any],
                   metrics: Mapping[str, Any]) -> None:
    """Fill ``model.metadata`` (format 1): what the loader checks and what people read."""
    model.metadata = {
        "format_version": FORMAT_VERSION,
        "model_version": model.version,
        "feature_names": list(FEATURE_NAMES),
        "feature_baseline": [float(v) for v in model.baseline],
        "pipeline_steps": list(STEP_NAMES),
        "predictor": {"tables": len(model.predictor.terms),
                      "cells": int(sum(t.size for _, t in model.predictor.terms))},
        "budget": model.budget,
        "threshold": model.threshold,
        "score_quantiles": [float(q) for q in model.quantiles],
        "libraries": library_versions(),
        "training": {"source": dict(source), "data_sha256": data_hash, "seed": seed,
                     **dict(data), "params": asdict(params)},
        "metrics": dict(metrics),
    }


def without_mechanism(table, mechanism: str):
    """The table without the lots where ``mechanism`` was injected (for held-out tests)."""
    if mechanism not in MECHANISMS:
        raise ReviewInputError(f"Mécanisme inconnu : {mechanism}.")
    touched = table.loc[table["cause"] == mechanism, "lot"].unique()
    return table[~table["lot"].isin(touched)]
