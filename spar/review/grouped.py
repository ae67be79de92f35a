"""Statistics per lot over flat arrays, in a few sorts and never a loop over lots.

Every function takes a value per offer and the lot code of each offer (integers
in ``[0, n_groups)``). Missing values (NaN) take no part. Reductions run on
values sorted within their lot, so the results do not depend on the order the
offers came in — not even in the last floating-point bit.
"""

from __future__ import annotations

import numpy as np

#: Scale factors that make a median absolute deviation, or failing that a mean
#: absolute deviation, estimate a normal standard deviation (Iglewicz–Hoaglin).
MAD_TO_SD = 1.4826
MEAN_AD_TO_SD = 1.2533


class Sorted:
    """The present values of one column, sorted by (lot, value), with each lot's segment."""

    def __init__(self, values: np.ndarray, codes: np.ndarray, n_groups: int):
        rows = np.flatnonzero(~np.isnan(values))
        if n_groups == 1:  # one lot: the same (stable) order as lexsort, twice as fast
            rows = rows[np.argsort(values[rows], kind="stable")]
        else:
            rows = rows[np.lexsort((values[rows], codes[rows]))]
        self.rows = rows
        self.values = values[rows]
        self.codes = codes[rows]
        self.n_rows = len(values)
        self.n_groups = n_groups
        # the codes are sorted already: each lot's segment starts where the code changes
        # (np.unique would sort them a second time, a third of this class's cost)
        starts = np.flatnonzero(np.concatenate([[True], self.codes[1:] != self.codes[:-1]])
                                if len(rows) else np.zeros(0, dtype=bool))
        self.starts = starts
        self.groups = self.codes[starts]
        self.counts = np.diff(np.append(starts, len(rows)))
        # position of every sorted value inside its lot's segment
        self.position = np.arange(len(rows)) - np.repeat(self.starts, self.counts)

    # -- per lot -------------------------------------------------------------
    def per_group(self, present_values: np.ndarray, fill: float = np.nan) -> np.ndarray:
        """Values known for the lots that have data → an array over every lot."""
        out = np.full(self.n_groups, fill, dtype=np.float64)
        out[self.groups] = present_values
        return out

    def count(self) -> np.ndarray:
        """Number of present values per lot."""
        return self.per_group(self.counts.astype(np.float64), 0.0)

    def sum(self, sorted_values: np.ndarray | None = None) -> np.ndarray:
        """Sum per lot of ``sorted_values`` (aligned with :attr:`values`; default the values)."""
        x = self.values if sorted_values is None else sorted_values
        if not len(x):
            return np.full(self.n_groups, np.nan)
        return self.per_group(np.add.reduceat(x, self.starts))

    def mean(self) -> np.ndarray:
        return self.sum() / self.count()

    def central_moment(self, k: int) -> np.ndarray:
        """Population central moment of order ``k`` per lot."""
        mean = self.mean()[self.codes]
        return self.sum((self.values - mean) ** k) / self.count()

    def median(self) -> np.ndarray:
        if not len(self.values):
            return np.full(self.n_groups, np.nan)
        lo = self.starts + (self.counts - 1) // 2
        hi = self.starts + self.counts // 2
        return self.per_group((self.values[lo] + self.values[hi]) / 2)

    def minimum(self) -> np.ndarray:
        if not len(self.values):
            return np.full(self.n_groups, np.nan)
        return self.per_group(self.values[self.starts])

    def maximum(self) -> np.ndarray:
        if not len(self.values):
            return np.full(self.n_groups, np.nan)
        return self.per_group(self.values[self.starts + self.counts - 1])

    def kth(self, k: int) -> np.ndarray:
        """The ``k``-th smallest value per lot (0-based); NaN where the lot has fewer."""
        out = np.full(self.n_groups, np.nan)
        has = self.counts > k
        out[self.groups[has]] = self.values[self.starts[has] + k]
        return out

    # -- per offer -----------------------------------------------------------
    def scatter(self, sorted_values: np.ndarray, fill: float = np.nan) -> np.ndarray:
        """Values aligned with :attr:`values` → an array over every offer."""
        out = np.full(self.n_rows, fill, dtype=np.float64)
        out[self.rows] = sorted_values
        return out

    def median_of_others(self) -> np.ndarray:
        """For every offer, the median of the other offers of its lot (NaN when alone)."""
        counts = np.repeat(self.counts, self.counts)
        starts = np.repeat(self.starts, self.counts)
        m = counts - 1
        k = self.position
        a, b = (m - 1) // 2, m // 2
        # index into the lot without this offer → index into the full sorted lot
        ia = starts + a + (a >= k)
        ib = starts + b + (b >= k)
        alone = m == 0
        ia[alone] = ib[alone] = 0
        med = (self.values[ia] + self.values[ib]) / 2 if len(self.values) else self.values
        return self.scatter(np.where(alone, np.nan, med))

    def next_distinct(self, above: bool) -> np.ndarray:
        """For every offer, the nearest different value above (or below) it in its lot."""
        v, g = self.values, self.codes
        if not len(v):
            return self.scatter(v)
        new_run = np.concatenate([[True], (g[1:] != g[:-1]) | (v[1:] != v[:-1])])
        run = np.cumsum(new_run) - 1
        run_values, run_groups = v[new_run], g[new_run]
        neighbour = np.full(len(run_values), np.nan)
        if above:
            same = run_groups[1:] == run_groups[:-1]
            neighbour[:-1] = np.where(same, run_values[1:], np.nan)
        else:
            same = run_groups[:-1] == run_groups[1:]
            neighbour[1:] = np.where(same, run_values[:-1], np.nan)
        return self.scatter(neighbour[run])

    def rank_share(self) -> np.ndarray:
        """Mid-rank of every offer in its lot, scaled to [0, 1] (0.5 when alone)."""
        v, g = self.values, self.codes
        if not len(v):
            return self.scatter(v)
        new_run = np.concatenate([[True], (g[1:] != g[:-1]) | (v[1:] != v[:-1])])
        run = np.cumsum(new_run) - 1
        run_start = np.flatnonzero(new_run)
        run_size = np.diff(np.append(run_start, len(v)))
        below = self.position[run_start][run]  # offers strictly lower in the lot
        mid = below + (run_size[run] - 1) / 2
        n = np.repeat(self.counts, self.counts)
        return self.scatter(np.where(n > 1, mid / np.maximum(n - 1, 1), 0.5))


def median(values: np.ndarray, codes: np.ndarray, n_groups: int) -> np.ndarray:
    """Median per lot of the present values (NaN for a lot without any)."""
    if n_groups != 1:
        return Sorted(values, codes, n_groups).median()
    # one lot (``spar score``): two order statistics need a partition, not a sort
    present = values[~np.isnan(values)]
    if not len(present):
        return np.full(1, np.nan)
    lo, hi = (len(present) - 1) // 2, len(present) // 2
    part = np.partition(present, (lo, hi))
    return np.array([(part[lo] + part[hi]) / 2])


def robust_z(values: np.ndarray, codes: np.ndarray, n_groups: int, min_count: int,
             floor: float = 0.0, relative_floor: float = 0.0) -> np.ndarray:
    """Modified z-score of every value against its lot (Iglewicz–Hoaglin).

    z = (x − median) / (1.4826 × MAD); when the MAD is 0 (most offers equal) the
    mean absolute deviation stands in. The scale is at least ``floor`` and at least
    ``relative_floor`` × |median|: a few offers clustered by chance must not make
    an ordinary difference look extreme. z is 0 when the scale is still 0 or the
    lot has fewer than ``min_count`` values, NaN where the value is missing.
    """
    present = ~np.isnan(values)
    count = np.bincount(codes[present], minlength=n_groups).astype(np.float64)
    med = median(values, codes, n_groups)
    dev = np.abs(values - med[codes])
    scale = MAD_TO_SD * median(dev, codes, n_groups)
    if not (scale > 0).all():  # the mean deviation, summed in order, only where needed
        scale = np.where(scale > 0, scale, MEAN_AD_TO_SD * Sorted(dev, codes, n_groups).mean())
    scale = np.maximum(scale, np.maximum(floor, relative_floor * np.abs(med)))
    usable = ((count >= min_count) & (scale > 0))[codes]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        z = (values - med[codes]) / scale[codes]
    return np.where(present, np.where(usable, z, 0.0), np.nan)
