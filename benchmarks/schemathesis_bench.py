"""A long schemathesis run against the service, in process: every operation of
/openapi.json fuzzed as each kind of caller, then stateful sequences along the links
schemathesis infers between operations (a created consultation's reference fed to its
publication, offers, scoring; a scoring job's id to ``GET /jobs/{id}``…).

The world is the one of the access-matrix tests (tests/api/world.py): two organisations,
a closed and scored consultation, an open one, drafts, offers, a job; half of the path
parameters are drawn from its names so that requests get past "not found". The checks are
those of tests/api/test_openapi.py: no 5xx, and every answer documented (status, media
type, body schema). Failures are counted, not raised, so the run always ends with the
figures.

Run: ``.venv/bin/python benchmarks/schemathesis_bench.py [--examples 200] [--scenarios 300]
[--database-url URL]`` (default: a temporary SQLite file).

Measured on the shared 2-core development machine, ``--examples 100 --scenarios 300``
(SQLite)::

    Opérations : 28 ; appelants : anonymous, admin, buyer, auditor, supplier, other_buyer
    Cas sans état : 15018 en 241 s (2503 par appelant)
    Scénarios avec état (buyer) : 390 scénarios, 2011 appels, 53 liens inférés
    Scénarios avec état (supplier) : 405 scénarios, 1973 appels, 53 liens inférés
    Scénarios avec état (auditor) : 393 scénarios, 2029 appels, 53 liens inférés
    Échecs : 0
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CALLERS = ("anonymous", "admin", "buyer", "auditor", "supplier", "other_buyer")


def _world(database_url: str | None, folder: str):
    from spar.db import make_engine, upgrade
    from tests.api.world import build

    url = database_url or f"sqlite:///{folder}/schemathesis.db"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return build(url, folder)


def fuzz_operations(schema, world, examples: int, failures: list) -> Counter:
    """Every operation × caller, ``examples`` cases each; returns cases tried per caller."""
    from hypothesis import HealthCheck, given, settings

    from tests.api.test_openapi import CHECKS

    tried: Counter = Counter()
    operations = [result.ok() for result in schema.get_all_operations()]
    def fuzz(operation, who: str) -> None:
        headers = world.headers[who]

        @settings(max_examples=examples, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(operation.as_strategy())
        def run(case):
            for name, value in (case.path_parameters or {}).items():
                case.path_parameters[name] = world.aliases.get(value, value)
            tried[who] += 1
            try:
                case.call_and_validate(headers=headers, checks=CHECKS)
            except Exception as exc:  # noqa: BLE001 - counted and shown, never raised
                failures.append((operation.label, who, exc))

        run()

    for operation in operations:
        for who in CALLERS:
            fuzz(operation, who)
    return tried


def run_scenarios(schema, world, scenarios: int, steps: int, failures: list,
                  who: str) -> tuple[int, int, int]:
    """Stateful sequences as ``who``: (scenarios run, calls made, transitions known)."""
    from hypothesis import HealthCheck, settings

    from tests.api.test_openapi import CHECKS

    base = schema.as_state_machine()
    calls = Counter()

    class Workflow(base):
        def get_call_kwargs(self, case):
            return {"headers": world.headers[who]}

        def before_call(self, case):
            for name, value in (case.path_parameters or {}).items():
                case.path_parameters[name] = world.aliases.get(value, value)

        def after_call(self, response, case):
            calls["calls"] += 1

        def teardown(self):
            calls["scenarios"] += 1

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            try:
                case.validate_response(response, checks=CHECKS)
            except Exception as exc:  # noqa: BLE001 - counted and shown, never raised
                failures.append((f"stateful {case.operation.label}", who, exc))

    Workflow.run(settings=settings(max_examples=scenarios, stateful_step_count=steps,
                                   deadline=None, database=None,
                                   suppress_health_check=list(HealthCheck)))
    return calls["scenarios"], calls["calls"], schema.statistic.transitions.total


def main(argv=None) -> int:
    import schemathesis

    from tests.api.test_openapi import OFFER_ALIASES, _config

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=200,
                        help="cases per operation and caller (default 200)")
    parser.add_argument("--scenarios", type=int, default=300,
                        help="stateful scenarios per caller (default 300)")
    parser.add_argument("--steps", type=int, default=6, help="calls per scenario at most")
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    args = parser.parse_args(argv)

    folder = tempfile.mkdtemp(prefix="spar-schemathesis-")
    world = _world(args.database_url, folder)
    world.aliases = dict(zip(OFFER_ALIASES, (world.offer, world.winner_offer, world.open_offer)))
    schema = schemathesis.openapi.from_wsgi("/openapi.json", world.app, config=_config())
    failures: list = []

    started = time.perf_counter()
    tried = fuzz_operations(schema, world, args.examples, failures)
    stateless_s = time.perf_counter() - started
    operations = sum(1 for _ in schema.get_all_operations())
    print(f"Opérations : {operations} ; appelants : {', '.join(CALLERS)}")
    print(f"Cas sans état : {sum(tried.values())} en {stateless_s:.0f} s "
          f"({', '.join(f'{who} {n}' for who, n in tried.items())})")

    started = time.perf_counter()
    for who in ("buyer", "supplier", "auditor"):
        scenarios, calls, transitions = run_scenarios(schema, world, args.scenarios,
                                                      args.steps, failures, who)
        print(f"Scénarios avec état ({who}) : {scenarios} scénarios, {calls} appels, "
              f"{transitions} liens inférés entre opérations")
    print(f"Durée des scénarios : {time.perf_counter() - started:.0f} s")

    print(f"Échecs : {len(failures)}")
    for label, who, exc in failures[:20]:
        print(f"  {label} ({who}) : {''.join(traceback.format_exception_only(exc)).strip()[:600]}")
    world.close()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
