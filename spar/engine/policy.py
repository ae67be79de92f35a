"""The price of a criteria set and the SPAR policy's shares, decided once.

The policy (``policy:`` in a criteria file, SPEC §2) sets a minimum share of the
total weight for the environmental and social pillars and a maximum for the price.
The *price share* is the share of the leaves scored by a price method (whatever
their pillar); whether a share meets its limit is judged here with one tolerance,
for the file check's warnings, the RAO and the pages alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from .criteria import CriteriaSet, Leaf
from .methods import is_price

#: Shares are sums of products of weights: a share written as exactly the limit must
#: meet it, whatever the last bit of rounding says.
TOLERANCE = 1e-9


def price_leaves(criteria: CriteriaSet) -> tuple[Leaf, ...]:
    """The leaves scored by a price method, in file order."""
    return tuple(leaf for leaf in criteria.leaves if is_price(leaf.method))


def price_share(criteria: CriteriaSet) -> float:
    """The share of the total weight that scores the price, in [0, 1]."""
    shares = criteria.shares()
    return sum(shares[leaf.path] for leaf in price_leaves(criteria))


def price_input(criteria: CriteriaSet) -> str | None:
    """The answer that holds the price: the abnormally-low rules' input, else the first
    price leaf's; None when the set scores no price."""
    if criteria.low_price_input is not None:
        return criteria.low_price_input
    leaves = price_leaves(criteria)
    return leaves[0].input if leaves else None


@dataclass(frozen=True)
class PolicyCheck:
    """One limit of the policy beside the share it bounds."""

    key: str  # the policy's key: environmental_min_share, social_min_share, price_max_share
    subject: str  # the pillar it bounds, or "price"
    bound: str  # "minimum" or "maximum"
    limit: float  # in % of the total weight, as the file writes it
    share: float  # the set's share, in [0, 1]

    @property
    def met(self) -> bool:
        if self.bound == "minimum":
            return self.share * 100 >= self.limit - TOLERANCE
        return self.share * 100 <= self.limit + TOLERANCE


def policy_checks(criteria: CriteriaSet) -> list[PolicyCheck]:
    """Every limit the set's policy declares, with the share it bounds (met or not)."""
    policy = criteria.policy
    pillars = criteria.pillar_shares()
    out = [PolicyCheck(f"{pillar}_min_share", pillar, "minimum", float(limit), pillars[pillar])
           for pillar, limit in (("environmental", policy.environmental_min_share),
                                 ("social", policy.social_min_share))
           if limit is not None]
    if policy.price_max_share is not None:
        out.append(PolicyCheck("price_max_share", "price", "maximum",
                               float(policy.price_max_share), price_share(criteria)))
    return out
