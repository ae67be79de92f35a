"""The collector pause: nested and concurrent pauses, and the collector's state after."""

from __future__ import annotations

import gc
import threading

from spar.collector import paused


def test_the_collector_resumes_after_the_last_pause_only():
    assert gc.isenabled()
    with paused():
        assert not gc.isenabled()
        with paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_pause_ending_in_another_thread_does_not_end_this_one():
    started, release = threading.Event(), threading.Event()

    def other():
        with paused():
            started.set()
            release.wait(10)

    thread = threading.Thread(target=other)
    thread.start()
    started.wait(10)
    with paused():
        release.set()
        thread.join(10)
        assert not gc.isenabled()  # the other thread's pause ended inside this one
    assert gc.isenabled()


def test_a_collector_disabled_before_stays_disabled():
    gc.disable()
    try:
        with paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
