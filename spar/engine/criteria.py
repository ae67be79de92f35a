"""The criteria tree: frozen dataclasses, path lookup and effective weights.

A criteria set is built from an already validated document (see
:mod:`spar.criteria_file`); nothing here reads files or reports locations.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Iterator, Mapping

PILLARS = ("economic", "environmental", "social", "technical")

#: French labels for the pillars, as buyers and suppliers read them.
PILLAR_LABELS = {
    "economic": "Économique (prix)",
    "environmental": "Environnemental",
    "social": "Social",
    "technical": "Technique",
}

CATEGORIES = ("supplies", "services", "works")


@dataclass(frozen=True)
class Leaf:
    """A criterion that reads one answer and scores it with one method."""

    id: str
    label: str
    weight: float
    pillar: str
    path: str
    input: str
    method: str
    params: Mapping[str, Any]
    unit: str | None = None
    help: str | None = None
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    eliminatory_below: float | None = None
    assessed_by: str = "supplier"

    @property
    def is_group(self) -> bool:
        return False


@dataclass(frozen=True)
class Group:
    """A criterion made of weighted sub-criteria."""

    id: str
    label: str
    weight: float
    pillar: str | None
    path: str
    children: tuple["Node", ...]
    eliminatory_below: float | None = None
    help: str | None = None

    @property
    def is_group(self) -> bool:
        return True


Node = Leaf | Group


@dataclass(frozen=True)
class Policy:
    """SPAR policy shares, in % of the total weight (warnings only)."""

    environmental_min_share: float | None = None
    social_min_share: float | None = None
    price_max_share: float | None = None


@dataclass(frozen=True)
class LowPriceRule:
    """One abnormally-low-offer rule (SPEC §2.4)."""

    method: str
    params: Mapping[str, Any]


@dataclass(frozen=True)
class CriteriaSet:
    """A published criteria set: identity, the weighted tree and the review rules."""

    id: str
    version: int
    title: str
    category: str
    points: float
    root: Group
    policy: Policy = field(default_factory=Policy)
    tie_break: tuple[str, ...] = ()
    low_price_input: str | None = None
    low_price_rules: tuple[LowPriceRule, ...] = ()
    document: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)
    sha256: str = ""

    # -- structure ---------------------------------------------------------
    def nodes(self) -> Iterator[Node]:
        """Every node below the root, depth first, in file order."""
        return descendants(self.root)

    @cached_property  # the tree never changes; every scoring reads the leaves many times
    def leaves(self) -> tuple[Leaf, ...]:
        return tuple(n for n in self.nodes() if isinstance(n, Leaf))

    @cached_property  # read at every scoring, each self-assessment's included
    def gates(self) -> tuple[Node, ...]:
        """The nodes with an eliminatory threshold (``eliminatory_below``), depth first."""
        return tuple(n for n in self.nodes() if n.eliminatory_below is not None)

    @property
    def groups(self) -> tuple[Group, ...]:
        return tuple(n for n in self.nodes() if isinstance(n, Group))

    def node(self, path: str) -> Node:
        """The node at a dotted path (``env.co2``); KeyError if there is none."""
        for node in self.nodes():
            if node.path == path:
                return node
        raise KeyError(path)

    def inputs(self) -> dict[str, list[Leaf]]:
        """Input name → the leaves that read it, in file order."""
        out: dict[str, list[Leaf]] = {}
        for leaf in self.leaves:
            out.setdefault(leaf.input, []).append(leaf)
        return out

    # -- weights -----------------------------------------------------------
    def shares(self) -> dict[str, float]:
        """Path → the node's effective share of the total, in [0, 1]."""
        return {node.path: s for node, s in weighted_nodes(self.root)}

    def pillar_shares(self) -> dict[str, float]:
        """Pillar → its share of the total (sum of its leaves' shares)."""
        shares = self.shares()
        out = {p: 0.0 for p in PILLARS}
        for leaf in self.leaves:
            out[leaf.pillar] += shares[leaf.path]
        return out

    @property
    def identity(self) -> dict[str, Any]:
        return {"id": self.id, "version": self.version, "sha256": self.sha256}

    # -- parameters as applied ---------------------------------------------
    def parameters(self) -> dict[str, Any]:
        """Every method's parameters as this set applies them, with the defaults the
        file left out: what a scoring stores, so that its record still reads the same
        when a default changes in a later release (SPEC §4.1)."""
        return {"criteria": {leaf.path: dict(leaf.params) for leaf in self.leaves},
                "abnormally_low": [{"method": r.method, "params": dict(r.params)}
                                   for r in self.low_price_rules]}

    def with_parameters(self, parameters: Mapping[str, Any]) -> "CriteriaSet":
        """This set — same identity, same tree — with the parameters a scoring applied
        (:meth:`parameters`); what they do not name stays as it is."""
        leaves = parameters.get("criteria") or {}

        def rebuilt(group: Group) -> Group:
            return replace(group, children=tuple(
                rebuilt(child) if isinstance(child, Group)
                else replace(child, params=dict(leaves[child.path])) if child.path in leaves
                else child for child in group.children))

        rules = self.low_price_rules
        stored = parameters.get("abnormally_low")
        if stored is not None and [r.get("method") for r in stored] == [r.method for r in rules]:
            rules = tuple(LowPriceRule(r["method"], dict(r["params"])) for r in stored)
        return replace(self, root=rebuilt(self.root), low_price_rules=rules)


def descendants(group: Group) -> Iterator[Node]:
    """Every node below ``group``, depth first, in file order."""
    stack = list(reversed(group.children))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, Group):
            stack.extend(reversed(node.children))


def weighted_nodes(group: Group, share: float = 1.0) -> Iterator[tuple[Node, float]]:
    """Every node below ``group``, depth first, with its share of ``share``: the product of
    the normalised weights (each weight over its siblings' sum, SPEC §2.1) on its path."""
    total = sum(child.weight for child in group.children)
    for child in group.children:
        s = share * child.weight / total
        yield child, s
        if isinstance(child, Group):
            yield from weighted_nodes(child, s)
