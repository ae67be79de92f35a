"""Fixtures of the engine tests: the criteria set SPEC §2 gives as its example."""

from __future__ import annotations

import pytest

from spar.criteria_file import load_criteria_text

SPEC_EXAMPLE = """\
spar: 1
id: fournitures-bureau
version: 2
title: Fournitures de bureau
category: supplies
points: 100
policy:
  environmental_min_share: 20
  social_min_share: 10
  price_max_share: 60
criteria:
  - id: price
    label: Prix
    pillar: economic
    weight: 40
    input: price_eur
    unit: EUR HT
    method: price_lowest_ratio
  - id: env
    label: Performance environnementale
    pillar: environmental
    weight: 30
    eliminatory_below: 0.25
    criteria:
      - {id: co2, label: Empreinte carbone, weight: 50, input: co2e_kg, unit: kgCO2e,
         method: linear, best: 0.5, worst: 5.0}
      - {id: recycled, label: Matière recyclée, weight: 30, input: recycled_pct,
         unit: "%", method: linear, best: 100, worst: 0}
      - {id: ecolabel, label: Écolabel, weight: 20, input: labels, method: labels,
         labels: {EU Ecolabel: 1, NF Environnement: 1, Blauer Engel: 1, FSC: 0.5},
         evidence: required}
  - id: social
    label: Performance sociale
    pillar: social
    weight: 20
    criteria:
      - {id: insertion, label: Heures d'insertion, weight: 60, input: insertion_hours,
         method: steps, steps: [{at: 100, score: 0.5}, {at: 300, score: 1}]}
      - {id: equality, label: Index égalité professionnelle, weight: 40,
         input: egapro_index, method: linear, worst: 75, best: 100, minimum: 75}
  - id: technical
    label: Valeur technique
    pillar: technical
    weight: 10
    input: technical_mark
    method: scale
    levels: [{mark: 0, label: Absent, score: 0}, {mark: 1, label: Insuffisant, score: 0.25},
             {mark: 2, label: Moyen, score: 0.5}, {mark: 3, label: Satisfaisant, score: 0.75},
             {mark: 4, label: Très satisfaisant, score: 1}]
ranking:
  tie_break: [env, price]
review:
  abnormally_low: {input: price_eur, method: mean_ratio, ratio: 0.8}
"""


@pytest.fixture(scope="session")
def spec_criteria():
    """The criteria set of SPEC §2, verbatim."""
    return load_criteria_text(SPEC_EXAMPLE, "fournitures-bureau.yaml")
