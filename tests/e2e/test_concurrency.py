"""The busiest hour: offers racing each other and the deadline, against the real service
(two gunicorn instances on PostgreSQL; one with two workers on SQLite).

20 suppliers, 20 client threads, 400 submissions in bursts: in each burst one supplier
sends two different offers at the same instant, each with its own ``Idempotency-Key``,
and a retry of each with the same key and body (as a client that lost the answer does).
The deadline falls two thirds of the way through. Whatever the interleaving, each
supplier must end with exactly one current offer — the last one accepted — none may be
accepted after the deadline, no answer may be a 5xx, a same-key pair answers 201 then
200 with the same receipt, and every accepted offer has its entry in an intact log.
"""

from __future__ import annotations

import itertools
import json
import statistics
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest
import requests
from stdnum import luhn

from tests.api.conftest import CRITERIA_YAML

from .conftest import _spar

pytestmark = pytest.mark.e2e

SUPPLIERS = 20
THREADS = 20
SUBMISSIONS = 400
BURST = 4  # two different offers and a same-key retry of each, sent at one instant
#: Submissions are spread over this long; the deadline falls at DEADLINE_AT of it.
SPREAD = timedelta(seconds=8)
DEADLINE_AT = 2 / 3
LEAD = timedelta(seconds=3)  # creating and publishing the consultation, on a busy machine
REFERENCE = "2026-COURSE-001"


def _sirets(count: int) -> list[str]:
    """``count`` valid SIRETs (the SIREN and the whole number Luhn-checked), none of the
    cast's."""
    out = []
    for n in range(1, count + 1):
        siren = f"9{n:07d}"
        siren += luhn.calc_check_digit(siren)
        stem = siren + "0001"
        out.append(stem + luhn.calc_check_digit(stem))
    return out


def _offer(price: float) -> dict:
    return {"lot": "1", "answers": {"price_eur": price, "co2e_kg": 2.0,
                                    "labels": ["EU Ecolabel"]},
            "evidence": {"labels": ["EU Ecolabel"]}, "sme": True}


def _plan(suppliers: list[str], start: float) -> list[tuple[float, str, str, dict]]:
    """(send at, supplier token, Idempotency-Key, body) for every submission, in time
    order: bursts of one supplier's two offers and their retries, suppliers in turn."""
    bursts = SUBMISSIONS // BURST
    step = SPREAD.total_seconds() / bursts
    plan = []
    for b in range(bursts):
        token = suppliers[b % len(suppliers)]
        at = start + b * step
        for k in range(2):
            key = f"offre-{b}-{k}"
            body = _offer(10_000 + b * 10 + k)
            plan += [(at, token, key, body), (at, token, key, body)]
    return plan


class Race:
    """The answers of a run of the plan, with their timings."""

    def __init__(self, urls: list[str]):
        self.urls = itertools.cycle(urls)  # a load balancer's round robin
        self.lock = threading.Lock()
        self.answers: list[tuple[str, str, int, dict, float]] = []  # token, key, status, body, s
        self.sessions = threading.local()

    def send(self, at: float, token: str, key: str, body: dict) -> None:
        with self.lock:
            url = next(self.urls)
        session = getattr(self.sessions, "http", None) or requests.Session()
        self.sessions.http = session
        time.sleep(max(0.0, at - time.time()))
        began = time.perf_counter()
        response = session.post(f"{url}/api/v1/consultations/{REFERENCE}/offers", json=body,
                                headers={"Authorization": f"Bearer {token}",
                                         "Idempotency-Key": key}, timeout=120)
        elapsed = time.perf_counter() - began
        with self.lock:
            self.answers.append((token, key, response.status_code, response.json(), elapsed))


def _race(cluster) -> dict:
    """Runs the race on a new consultation: its deadline, every answer, the suppliers."""
    main = cluster[0]
    criteria = main.call("POST", "/api/v1/criteria-sets", "buyer", 201, data=CRITERIA_YAML,
                         headers={"Content-Type": "application/yaml"}).json()
    suppliers = [main.call("POST", "/api/v1/tokens", "admin", 201, json={
        "role": "supplier", "siret": siret, "name": f"Entreprise {n}"}).json()["secret"]
        for n, siret in enumerate(_sirets(SUPPLIERS))]
    deadline = (datetime.now(timezone.utc) + LEAD + SPREAD * DEADLINE_AT).replace(microsecond=0)
    main.call("POST", "/api/v1/consultations", "buyer", 201, json={
        "reference": REFERENCE, "title": "Course contre la date limite",
        "criteria_set": criteria["id"], "criteria_version": criteria["version"],
        "deadline": deadline.isoformat(), "lots": [{"id": "1", "title": "Lot unique"}]})
    main.call("POST", f"/api/v1/consultations/{REFERENCE}/publish", "buyer", 200)
    start = deadline.timestamp() - SPREAD.total_seconds() * DEADLINE_AT
    race = Race([s.url for s in cluster])
    began = time.perf_counter()
    with ThreadPoolExecutor(THREADS) as pool:
        for future in [pool.submit(race.send, *item) for item in _plan(suppliers, start)]:
            future.result()
    took = time.perf_counter() - began
    time.sleep(max(0.0, deadline.timestamp() - time.time()) + 0.2)
    latencies = sorted(a[4] for a in race.answers)
    statuses = defaultdict(int)
    for answer in race.answers:
        statuses[answer[2]] += 1
    print(f"\n{len(cluster)} instance(s), {THREADS} threads: {len(race.answers)} submissions "
          f"in {took:.1f} s; statuses {dict(sorted(statuses.items()))}; latency p50 "
          f"{statistics.median(latencies) * 1000:.0f} ms, p99 "
          f"{latencies[int(len(latencies) * 0.99) - 1] * 1000:.0f} ms, max "
          f"{latencies[-1] * 1000:.0f} ms")
    return {"deadline": deadline, "answers": race.answers, "suppliers": suppliers}


def test_submissions_racing_each_other_and_the_deadline_never_double(cluster):
    """One test, so that parallel test workers never start the instances twice."""
    raced = _race(cluster)
    _no_answer_is_a_server_error_and_late_ones_are_refused(raced)
    _a_same_key_pair_answers_once_then_replays_the_same_receipt(raced)
    _each_supplier_ends_with_one_offer_the_last_accepted(raced, cluster)
    _every_accepted_offer_is_in_an_intact_log(raced, cluster)
    _two_buyers_scoring_one_lot_at_once_store_two_complete_runs(cluster)


def _no_answer_is_a_server_error_and_late_ones_are_refused(raced):
    statuses = {answer[2] for answer in raced["answers"]}
    assert len(raced["answers"]) == SUBMISSIONS
    assert statuses <= {200, 201, 409}, statuses
    late = [body for _, _, status, body, _ in raced["answers"] if status == 409]
    assert all("date limite" in body["message"] for body in late), late[:3]
    # the deadline really was raced: offers on both sides of it
    assert 201 in statuses and 409 in statuses, statuses


def _a_same_key_pair_answers_once_then_replays_the_same_receipt(raced):
    by_key = defaultdict(list)
    for token, key, status, body, _ in raced["answers"]:
        by_key[(token, key)].append((status, body))
    replays = 0
    for answers in by_key.values():
        statuses = sorted(status for status, _ in answers)
        assert statuses in ([409, 409], [200, 201]), answers
        if statuses == [200, 201]:
            assert answers[0][1] == answers[1][1]
            replays += 1
    assert replays > 0


def _each_supplier_ends_with_one_offer_the_last_accepted(raced, cluster):
    deadline = raced["deadline"]
    accepted = {body["offer"]: (token, body) for token, _, status, body, _ in raced["answers"]
                if status == 201}
    assert all(datetime.fromisoformat(body["submitted_at"]) < deadline
               for _, body in accepted.values())
    last = {}
    for token, body in sorted(accepted.values(), key=lambda a: a[1]["submitted_at"]):
        last[token] = body["offer"]
    current = cluster[0].call("GET", f"/api/v1/consultations/{REFERENCE}/offers", "buyer",
                              200).json()
    assert sorted(o["id"] for o in current) == sorted(last.values())
    assert len({o["supplier"]["siret"] for o in current}) == len(current)
    for token in set(last):  # each supplier's own list: every accepted offer, one current
        mine = requests.get(f"{cluster[-1].url}/api/v1/consultations/{REFERENCE}/offers",
                            headers={"Authorization": f"Bearer {token}"}, timeout=60).json()
        assert {o["id"] for o in mine} == {i for i, (t, _) in accepted.items() if t == token}
        assert [o["id"] for o in mine if o["current"]] == [last[token]]
        assert all(datetime.fromisoformat(o["submitted_at"]) < deadline for o in mine)


def _every_accepted_offer_is_in_an_intact_log(raced, cluster):
    report = json.loads(_spar(cluster[0].env, "audit", "verify", "--format", "json"))
    assert report["intact"], report
    accepted = {body["offer"] for _, _, status, body, _ in raced["answers"] if status == 201}
    assert report["records"]["offers"] == len(accepted)  # every one checked against its entry
    hashes = {body["audit_entry_hash"] for _, _, status, body, _ in raced["answers"]
              if status in (200, 201)}
    assert len(hashes) == len(accepted) and None not in hashes


def _two_buyers_scoring_one_lot_at_once_store_two_complete_runs(cluster):
    main = cluster[0]
    second = main.call("POST", "/api/v1/tokens", "admin", 201, json={
        "role": "buyer", "organisation": "metro", "name": "Second acheteur"}).json()["secret"]
    barrier = threading.Barrier(2)

    def score(url: str, token: str):
        barrier.wait()
        return requests.post(f"{url}/api/v1/consultations/{REFERENCE}/lots/1/scoring",
                             headers={"Authorization": f"Bearer {token}"}, timeout=120)

    with ThreadPoolExecutor(2) as pool:
        runs = list(pool.map(score, [cluster[0].url, cluster[-1].url],
                             [main.tokens["buyer"], second]))
    assert [r.status_code for r in runs] == [201, 201], [r.text[:500] for r in runs]
    current = {o["id"] for o in main.call("GET", f"/api/v1/consultations/{REFERENCE}/offers",
                                          "buyer", 200).json()}
    results = [r.json() for r in runs]
    assert results[0]["scoring"]["id"] != results[1]["scoring"]["id"]
    for result in results:
        assert {o["id"] for o in result["offers"]} == current
    report = json.loads(_spar(main.env, "audit", "verify", "--format", "json"))
    assert report["intact"] and report["records"]["scorings"] == 2, report
