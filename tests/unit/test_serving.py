"""The serving parts that need no server: the connection breaker, gunicorn's settings and
the JSON log formatter."""

from __future__ import annotations

import json
import logging

import pytest

from spar.db.breaker import ConnectionBreaker, DatabaseUnavailable
from spar.serving import gunicorn_config
from spar.serving.request_log import JsonFormatter


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_breaker_refuses_at_once_then_lets_one_caller_probe():
    clock = Clock()
    breaker = ConnectionBreaker(5, clock=clock)
    breaker.before_connect()  # closed: everyone connects
    breaker.failed()
    with pytest.raises(DatabaseUnavailable) as refused:
        breaker.before_connect()
    assert refused.value.retry_after == 5
    clock.now += 5
    breaker.before_connect()  # the probe
    with pytest.raises(DatabaseUnavailable):
        breaker.before_connect()  # everyone else, while the probe runs
    breaker.connected()
    breaker.before_connect()
    assert not breaker.is_open


def test_a_failed_probe_keeps_the_breaker_open_for_another_while():
    clock = Clock()
    breaker = ConnectionBreaker(5, clock=clock)
    breaker.failed()
    clock.now += 5
    breaker.before_connect()
    breaker.failed()
    clock.now += 4
    with pytest.raises(DatabaseUnavailable):
        breaker.before_connect()


def test_gunicorn_settings_come_from_spar_variables():
    values = gunicorn_config.settings({"SPAR_BIND": "0.0.0.0:9000", "SPAR_WORKERS": "3",
                                       "SPAR_THREADS": "8", "SPAR_LOG_LEVEL": "warning"})
    assert (values["bind"], values["workers"], values["threads"]) == ("0.0.0.0:9000", 3, 8)
    assert values["worker_class"] == "gthread" and values["accesslog"] is None
    assert values["logconfig_dict"]["root"]["level"] == "WARNING"
    assert set(gunicorn_config.HOOKS) == {"post_worker_init", "child_exit", "on_exit"}


def test_a_log_record_is_one_json_line_with_its_extras_and_a_redacted_traceback():
    try:
        raise RuntimeError("échec [parameters: {'answers': '{\"price_eur\": 4321}'}]")
    except RuntimeError:
        import sys

        record = logging.LogRecord("spar.test", logging.ERROR, __file__, 1, "échec %s", ("x",),
                                   sys.exc_info())
    record.job = "j-1"
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert "\n" not in line and entry["message"] == "échec x" and entry["job"] == "j-1"
    assert entry["error"] == "RuntimeError" and "4321" not in entry["traceback"]
    assert entry["level"] == "error" and entry["logger"] == "spar.test"


def test_a_settled_worker_leaves_what_it_built_out_of_full_collections():
    import gc

    from spar.serving import settle_worker

    try:
        settle_worker()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()  # this test process goes on collecting as before
