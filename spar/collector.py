"""Python's cycle collector paused while a big batch of objects is built.

Decoding a stored scoring of 100,000 offers, or wording the reasons of tens of
thousands of offers, creates millions of dicts and lists that live on. Each of them
counts towards the collector's next pass, and each full pass walks every object alive,
so the work grows faster than the lot: a third of ``spar score``'s ranking table and
of decoding a stored scoring went to passes that found nothing to free (there are no
reference cycles in these documents; reference counting frees what dies).
:func:`paused` suspends the passes for the duration, for every thread of the process:
a service thread decoding a stored scoring leaves the others' cycles for later, which
costs them nothing but a few seconds' delay in collecting.
"""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from typing import Iterator

_lock = threading.Lock()
_depth = 0
_was_enabled = True


@contextmanager
def paused() -> Iterator[None]:
    """No collector pass inside; nested and concurrent pauses end with the last one, and
    the collector is enabled again only if it was when the first began."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
