"""A criteria set as a tree for a terminal (``spar criteria show``): each node's effective
share of the total, each leaf's method, answer and requirements, each pillar's share
beside the policy's limits, the tie-break and the abnormally-low rules."""

from __future__ import annotations

import textwrap

from spar.engine.criteria import PILLAR_LABELS, PILLARS, CriteriaSet, Group
from spar.engine.policy import policy_checks
from spar.engine.text import fr_percent, fr_short

from .french import CATEGORY_LABELS, requirements
from .text_layout import WIDTH, fit

#: Widest criterion column, so method and answer keep room on the line.
NAME_WIDTH = 40
#: Stands for a space that wrapping must not break at (never in criteria text).
KEEP = "\0"


def criteria_tree_text(crit: CriteriaSet) -> list[str]:
    """The lines of the tree, at most :data:`WIDTH` characters wide."""
    shares = crit.shares()
    pillar_shares = crit.pillar_shares()
    out = [fit(f"{crit.title} — {crit.id} v{crit.version} "
               f"({CATEGORY_LABELS.get(crit.category, crit.category)}, total sur "
               f"{fr_short(crit.points)} points)", WIDTH),
           f"sha256 {crit.sha256}", ""]

    rows = []
    for node, prefix in _tree(crit.root):
        share = fr_percent(shares[node.path])
        notes = []
        if node.eliminatory_below is not None:
            notes.append(f"éliminatoire sous {fr_percent(node.eliminatory_below, 0)}")
        if isinstance(node, Group):
            rows.append((prefix, node, share, "", [], notes))
            continue
        notes += requirements(node, short=True)
        if node.assessed_by == "buyer":
            notes.append("noté par l'acheteur")
        unit = [f"({node.unit})"] if node.unit else []
        rows.append((prefix, node, share, node.method, [node.input] + unit, notes))
    name_w = min(max(len("Critère"), *(len(_name(p, n)) for p, n, *_ in rows)), NAME_WIDTH)
    method_w = max(len("Méthode"), *(len(r[3]) for r in rows))
    answer_at = name_w + 2 + 7 + 2 + method_w + 2
    out.append(f"{'Critère':<{name_w}}  {'Part':>7}  {'Méthode':<{method_w}}  Réponse")
    for prefix, node, share, method, answer, notes in rows:
        head = f"{_name(prefix, node, name_w):<{name_w}}  {share:>7}  {method:<{method_w}}  "
        # the answer's name is never cut (offers files must use it); the unit and notes
        # wrap under it, each kept whole when it fits on a line
        room = WIDTH - answer_at
        chunks = answer + [f"[{note}]" for note in notes]
        text = " ".join(c.replace(" ", KEEP) if len(c) <= room else c for c in chunks)
        lines = [line.replace(KEEP, " ") for line in textwrap.wrap(
            text, room, break_long_words=False, break_on_hyphens=False)] or [""]
        out.append((head + lines[0]).rstrip())
        out += [" " * answer_at + more for more in lines[1:]]

    out += ["", "Part de chaque pilier"]
    limits = {check.subject: check for check in policy_checks(crit)}
    for pillar in PILLARS:
        line = f"  {PILLAR_LABELS[pillar]:<20} {fr_percent(pillar_shares[pillar]):>7}"
        if pillar in limits:
            check = limits[pillar]
            line += f"   ({check.bound} de la politique : {fr_short(check.limit)} %)"
        out.append(line)
    if "price" in limits:
        out.append(f"  (prix : maximum de la politique {fr_short(limits['price'].limit)} %)")
    if crit.tie_break:
        out += ["", f"Départage des ex æquo : {', '.join(crit.tie_break)}"]
    if crit.low_price_rules:
        rules = "; ".join(rule.method + "".join(f", {k} {fr_short(v)}"
                                                for k, v in sorted(rule.params.items()))
                          for rule in crit.low_price_rules)
        out.append(fit(f"Offres anormalement basses ({crit.low_price_input}) : {rules}", WIDTH))
    return out


def _tree(group, prefix: str = "", top: bool = True):
    """(node, prefix) in file order, with box-drawing prefixes below the top level."""
    children = group.children
    for k, child in enumerate(children):
        last = k == len(children) - 1
        yield child, ("" if top else prefix + ("└─ " if last else "├─ "))
        if isinstance(child, Group):
            yield from _tree(child, "" if top else prefix + ("   " if last else "│  "), False)


def _name(prefix: str, node, width: int | None = None) -> str:
    """``label (id)`` after the tree prefix; cut in the label, never in the id."""
    if width is None or len(prefix) + len(node.label) + len(node.id) + 3 <= width:
        return f"{prefix}{node.label} ({node.id})"
    return f"{prefix}{fit(node.label, max(width - len(prefix) - len(node.id) - 3, 1))} " \
           f"({node.id})"
