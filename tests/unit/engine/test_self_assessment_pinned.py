"""Self-assessment results are pinned, so that speeding it up changes nothing.

The digests (every float to 12 significant digits: the last bit moves with the CPU and
the numpy release) are those of the implementation before the self-assessment was made
faster (hints scored as one column per criterion, weights kept per criteria set), on
drafts that vary as suppliers' do: see :mod:`tests.unit.engine.self_assessment_drafts`.
A deliberate change of results regenerates them and says so in its commit.
"""

from __future__ import annotations

import json
from pathlib import Path

from spar.engine.self_assessment import self_assess

from .self_assessment_drafts import digests

PINNED = Path(__file__).with_name("self_assessment_digests.json")


def test_results_of_varied_drafts_are_unchanged():
    pinned = json.loads(PINNED.read_text(encoding="utf-8"))
    found = digests(self_assess)
    assert set(found) == set(pinned)
    changed = {set_id: [k for k, (a, b) in enumerate(zip(found[set_id], pinned[set_id])) if a != b]
               for set_id in pinned}
    assert not any(changed.values()), f"drafts whose result changed: {changed}"
    assert sum(d.startswith("error:") for ds in found.values() for d in ds) > 5  # refusals too
