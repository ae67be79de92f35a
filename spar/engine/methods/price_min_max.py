"""``price_min_max``: the price placed between the highest (0) and the lowest (1).

s = (Pmax − P) / (Pmax − Pmin); 1 when all prices are equal. Spreads the whole
price weight over the range of the offers received — however narrow: two offers a
cent apart get all the price points and none. The DAJ's price fiche advises against
this formula when offers are few or close, so ``spar criteria check`` warns of it
(:data:`CAUTION`) and ``spar analyse`` says so for a lot where it bites
(:func:`lot_caution`).

Example::

    - {id: price, label: Prix, pillar: economic, weight: 50, input: price_eur,
       method: price_min_max}
"""

from __future__ import annotations

import math

import numpy as np

from ..text import fr_number, fr_percent
# checked, compared and aimed at like every price (re-exported: they are this module's)
from ._price import (direction, invalid, invalid_one, statistics, statistics_one,  # noqa: F401
                     targets)
from ._stats import divide_one, unit_interval, unit_interval_one
from .base import fmt, fmt_score

NAME = "price_min_max"
KIND = "number"
RELATIVE = True
PRICE = True
PARAMETERS = ()
#: Fewer competing prices than this, or prices closer than :data:`CLOSE_SPREAD` of the
#: lowest, and the formula's all-or-nothing spread is worth a warning.
FEW_OFFERS = 5
CLOSE_SPREAD = 0.05

#: What ``spar criteria check`` says of a criterion scored with this method.
CAUTION = ("price_min_max donne tous les points du critère à l'offre la moins chère et "
           "aucun à la plus chère, quel que soit leur écart : avec peu d'offres ou des prix "
           "proches (deux offres à un centime d'écart), l'écart de points est extrême ; la "
           "fiche « prix » de la DAJ déconseille alors cette formule (price_lowest_ratio ou "
           "price_linear_gap ne dépendent pas de l'offre la plus chère)")


def score(values, params, stats):
    pmin, pmax = stats["min"], stats["max"]
    if pmax == pmin:
        s = np.where(np.isnan(values), 0.0, 1.0)
        return s
    with np.errstate(invalid="ignore"):
        s = (pmax - values) / (pmax - pmin)
    return unit_interval(s)


def score_one(value, params, stats):
    pmin, pmax = stats["min"], stats["max"]
    if pmax == pmin:
        return 0.0 if value != value else 1.0
    return unit_interval_one(divide_one(pmax - value, pmax - pmin))


def explain(value, s, params, stats):
    pmin, pmax = stats["min"], stats["max"]
    if pmax == pmin:
        return f"price_min_max: tous les prix sont égaux ({fmt(pmin)}) = {fmt_score(s)}"
    return (f"price_min_max: ({fmt(pmax)} − {fmt(value)}) / ({fmt(pmax)} − {fmt(pmin)}) "
            f"= {fmt_score(s)}")


def lot_caution(stats, count: int, max_points: float) -> str | None:
    """Why this lot's price points deserve a second look (None when they do not): fewer
    than :data:`FEW_OFFERS` competing prices, or prices within :data:`CLOSE_SPREAD`."""
    pmin, pmax = stats["min"], stats["max"]
    if count < 2 or not pmin > 0 or pmax == pmin:
        return None
    spread = (pmax - pmin) / pmin
    if count >= FEW_OFFERS and spread >= CLOSE_SPREAD:
        return None
    # enough decimals that a gap of a cent does not read as 0,0 %
    decimals = min(4, max(1, 1 - math.floor(math.log10(spread * 100))))
    return (f"price_min_max sur {count} offres dont les prix vont de {fr_number(pmin)} à "
            f"{fr_number(pmax)} (écart de {fr_percent(spread, decimals)}) : "
            f"{fr_number(max_points)} points d'écart entre la moins chère et la plus chère ; "
            "la fiche « prix » de la DAJ déconseille cette formule avec peu d'offres ou des "
            "prix proches")


def describe(params, unit):
    return "interpolation entre le prix le plus haut (0) et le plus bas (1)"
