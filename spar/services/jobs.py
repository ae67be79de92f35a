"""Background jobs as their starters and readers see them, and their records' lifecycle.

A job is a row of ``jobs``: whichever queue carries it (RQ over Redis, or the in-process
runner of the embedded default), every instance and worker reads and writes its state
there, so a job outlives the instance that queued it and any instance can answer
``GET /jobs/{id}``. The states are ``queued`` → ``running`` → ``done`` or ``failed``; a
running job whose process died goes back to ``queued`` (see :func:`requeue_abandoned`).

Progress (0–1) is measured where the work is measured in steps, and otherwise estimated
from the time that jobs of the same kind took per unit of work (offers, decisions).
"""

from __future__ import annotations

import os
import secrets
import socket
import statistics
from datetime import datetime, timedelta, timezone
from typing import Any, Iterator

from sqlalchemy import delete, func, select, update

from ..db.models import Job, JobChunk, Lot, Offer, Person, ReviewDecision
from ..exports import ExportError, get_export
from .consultations import find_lot, is_closed, owned, visible
from .clock import paris_time
from .errors import Conflict, Invalid, NotFound, Unauthorized
from .permissions import require
from .principal import Principal
from .tokens import person_principal, principal_of

KINDS = ("scoring", "export", "training")
#: Seconds per unit of work when no job of the kind has finished yet (measured on the
#: benchmark machine; refined by every finished job).
DEFAULT_RATES = {"scoring": 6.5e-3, "export": 2e-3, "training": 5e-3}
#: Every process writes a running job's heartbeat this often.
HEARTBEAT_SECONDS = 5
#: A running job whose heartbeat is older than this is taken as abandoned, even when its
#: process cannot be checked (another machine).
STALE_AFTER = timedelta(minutes=5)
#: A job interrupted this many times is failed rather than started again.
MAX_ATTEMPTS = 3
#: A job file is stored in pieces of about this size.
CHUNK_BYTES = 1024 * 1024


def _now() -> datetime:
    # heartbeats compare instants on several machines: the system clock, not the app's
    return datetime.now(timezone.utc)


def this_process() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


# --------------------------------------------------------------------------- starting
def scoring_size(uow, principal: Principal, reference: str, lot_id: str) -> int:
    """How many offers a scoring of the lot would read, once the caller may score it (the
    checks of :func:`spar.services.scorings.run`, which runs them again)."""
    with uow:
        consultation = owned(uow.session, principal, reference)
        lot = find_lot(consultation, lot_id)
        if not is_closed(consultation, uow.now()):
            raise Conflict("offres scellées jusqu'à la date limite "
                           f"({paris_time(consultation.deadline)}) : notation impossible")
        count = uow.session.execute(select(func.count(Offer.id)).where(
            Offer.lot_id == lot.id, Offer.superseded_at.is_(None))).scalar_one()
        if not count:
            raise Conflict(f"aucune offre reçue pour le lot {lot_id}")
        return int(count)


def export_size(uow, principal: Principal, reference: str, fmt: str) -> int:
    """The offers an export would cover, once the caller may export the consultation in
    the background (buyers and auditors, after the deadline)."""
    require(principal, "export.background")
    try:
        get_export(fmt)
    except ExportError as exc:
        raise Invalid(str(exc), {"format": [str(exc)]}) from None
    with uow:
        consultation = visible(uow.session, principal, reference)
        if not is_closed(consultation, uow.now()):
            raise Conflict("offres scellées jusqu'à la date limite "
                           f"({paris_time(consultation.deadline)}) : pas d'export avant")
        return int(uow.session.execute(select(func.count(Offer.id)).join(Lot).where(
            Lot.consultation_id == consultation.id, Offer.superseded_at.is_(None))
        ).scalar_one())


def training_size(uow, principal: Principal) -> int:
    """The buyers' decisions a retraining would learn from (admins only)."""
    require(principal, "review_model.train")
    with uow:
        return int(uow.session.execute(select(func.count(ReviewDecision.id)).where(
            ReviewDecision.sampling_probability > 0)).scalar_one())


def create(uow, principal: Principal, kind: str, params: dict[str, Any], size: int) -> Job:
    """Record a queued job; the caller hands its id to a queue once this committed."""
    if kind not in KINDS:
        raise Invalid(f"type de travail « {kind} » inconnu")
    with uow:
        job = Job(id="j-" + secrets.token_hex(10), kind=kind, params=params, state="queued",
                  progress=0.0, size=max(1, int(size)), attempts=0,
                  created_by=principal.token_id,
                  # a person in the pages has no token: the job is theirs
                  person_id=principal.person_id if principal.token_id is None else None,
                  created_at=uow.now())
        uow.session.add(job)
        uow.commit()
        return job


# --------------------------------------------------------------------------- reading
def started_by(job: Job, principal: Principal) -> bool:
    """Whether ``principal`` started ``job``: with the token that asked for it, or, for a
    job asked for through the pages, as the same person."""
    if job.created_by is not None:
        return principal.token_id == job.created_by
    return job.person_id is not None and principal.person_id == job.person_id


def _own_job(session, principal: Principal, job_id: str) -> Job:
    job = session.get(Job, job_id)
    # another caller's job does not even show that it exists
    if job is None or not started_by(job, principal):
        raise NotFound(f"travail « {job_id} » introuvable")
    return job


def starter(uow, job: Job) -> Principal:
    """Who the job acts for, as they are now: the holder of the token that started it, or
    the person who started it through the pages; Unauthorized if that token was revoked
    or that person's account disabled since."""
    if job.created_by is not None:
        return principal_of(uow, job.created_by)
    with uow:
        person = uow.session.get(Person, job.person_id) if job.person_id else None
        if person is None or person.disabled_at is not None:
            raise Unauthorized("compte désactivé : le travail ne peut plus agir en son nom")
        return person_principal(person)


def result_url(job: Job) -> str | None:
    """Where a finished job's result is: the ranking it stored, or its file."""
    if job.state != "done":
        return None
    if job.kind == "scoring":
        return (f"/api/v1/consultations/{job.params['reference']}/lots/"
                f"{job.params['lot']}/ranking")
    if job.kind == "export":
        return f"/api/v1/jobs/{job.id}/result"
    return None


def view(job: Job) -> dict[str, Any]:
    """A job as its starter sees it (the API's and the pages' shape)."""
    return {"id": job.id, "kind": job.kind, "state": job.state,
            "progress": 1.0 if job.state == "done" else round(job.progress, 4),
            "params": job.params, "created_at": job.created_at.isoformat(),
            "started_at": job.started_at.isoformat() if job.started_at else None,
            "finished_at": job.finished_at.isoformat() if job.finished_at else None,
            "result": job.result if job.state == "done" else None,
            "result_url": result_url(job), "error": job.error,
            "location": f"/api/v1/jobs/{job.id}"}


def state(uow, principal: Principal, job_id: str) -> dict[str, Any]:
    """A job's state, progress and, when done, where its result is; only for the caller
    who started it (NotFound for anyone else)."""
    with uow:
        return view(_own_job(uow.session, principal, job_id))


def result_file(uow, principal: Principal, job_id: str
                ) -> tuple[Iterator[bytes], str, str]:
    """(chunks, media type, file name) of a finished export job, read piece by piece."""
    with uow:
        job = _own_job(uow.session, principal, job_id)
        if job.kind != "export":
            raise NotFound("ce travail ne produit pas de fichier ; voir result_url")
        if job.state != "done":
            raise Conflict(f"le travail n'est pas terminé (état : {job.state})")
        media_type, filename = job.media_type, job.filename
        ids = list(uow.session.execute(select(JobChunk.id).where(JobChunk.job_id == job_id)
                                       .order_by(JobChunk.seq)).scalars())

    def chunks() -> Iterator[bytes]:
        for chunk_id in ids:  # one piece in memory at a time
            with uow:  # closed before the piece is sent: no transaction waits on a client
                data = bytes(uow.session.get(JobChunk, chunk_id).data)
            yield data

    return chunks(), media_type, filename


def counts_by_state(uow) -> dict[tuple[str, str], int]:
    """(kind, state) → number of jobs, for the metrics."""
    with uow:
        rows = uow.session.execute(select(Job.kind, Job.state, func.count(Job.id))
                                   .group_by(Job.kind, Job.state)).all()
    return {(kind, job_state): int(n) for kind, job_state, n in rows}


# --------------------------------------------------------------------------- running
def claim(uow, job_id: str, worker: str) -> Job | None:
    """Take a queued job for ``worker``; None if another took it or it is not queued. A
    conditional UPDATE, so two processes can never both run one job."""
    with uow:
        now = _now()
        taken = uow.session.execute(
            update(Job).where(Job.id == job_id, Job.state == "queued")
            .values(state="running", worker=worker, attempts=Job.attempts + 1,
                    started_at=now, heartbeat_at=now, progress=0.0)).rowcount
        uow.commit()
        return uow.session.get(Job, job_id) if taken else None


def beat(uow, job_id: str, worker: str, progress: float) -> None:
    with uow:
        uow.session.execute(update(Job).where(Job.id == job_id, Job.worker == worker,
                                              Job.state == "running")
                            .values(heartbeat_at=_now(), progress=min(progress, 0.99)))
        uow.commit()


def finish(uow, job_id: str, worker: str, result: dict[str, Any], *,
           media_type: str | None = None, filename: str | None = None) -> bool:
    with uow:
        done = uow.session.execute(
            update(Job).where(Job.id == job_id, Job.worker == worker, Job.state == "running")
            .values(state="done", progress=1.0, result=result, finished_at=_now(),
                    media_type=media_type, filename=filename)).rowcount
        uow.commit()
        return bool(done)


def fail(uow, job_id: str, worker: str, message: str) -> None:
    with uow:
        uow.session.execute(
            update(Job).where(Job.id == job_id, Job.worker == worker, Job.state == "running")
            .values(state="failed", error=message, finished_at=_now()))
        uow.commit()


def store_chunks(uow, job_id: str, pieces: Iterator[bytes]) -> int:
    """Write a job's file in pieces of about :data:`CHUNK_BYTES`, each in its own
    transaction (a large export never sits whole in memory); returns its size."""
    with uow:  # a retried job starts its file again
        uow.session.execute(delete(JobChunk).where(JobChunk.job_id == job_id))
        uow.commit()
    size, seq, buffer = 0, 0, bytearray()

    def flush() -> None:
        nonlocal seq
        with uow:
            uow.session.add(JobChunk(job_id=job_id, seq=seq, data=bytes(buffer)))
            uow.commit()
        seq += 1
        buffer.clear()

    for piece in pieces:
        buffer += piece
        size += len(piece)
        if len(buffer) >= CHUNK_BYTES:
            flush()
    if buffer or not seq:
        flush()
    return size


def seconds_per_unit(uow, kind: str) -> float:
    """How long a unit of work took in the last finished jobs of ``kind`` (median)."""
    with uow:
        rows = uow.session.execute(
            select(Job.started_at, Job.finished_at, Job.size)
            .where(Job.kind == kind, Job.state == "done", Job.started_at.is_not(None))
            .order_by(Job.finished_at.desc()).limit(20)).all()
    rates = [(end - start).total_seconds() / max(1, size) for start, end, size in rows
             if end and start]
    return statistics.median(rates) if rates else DEFAULT_RATES[kind]


def queued(uow) -> list[tuple[str, int]]:
    """(id, attempts so far) of every queued job, oldest first."""
    with uow:
        return [(job_id, attempts) for job_id, attempts in uow.session.execute(
            select(Job.id, Job.attempts).where(Job.state == "queued")
            .order_by(Job.created_at, Job.id)).all()]


def _process_gone(worker: str | None) -> bool:
    """Whether ``worker`` (host:pid) is a process of this machine that no longer runs."""
    if not worker or ":" not in worker:
        return False
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def requeue_abandoned(uow) -> list[str]:
    """Put back in the queue every running job whose process died (on this machine) or
    whose heartbeat stopped; fail those interrupted :data:`MAX_ATTEMPTS` times. Returns
    the ids put back."""
    requeued = []
    with uow:
        running = uow.session.execute(select(Job).where(Job.state == "running")).scalars().all()
        stale_before = _now() - STALE_AFTER
        for job in running:
            if not (_process_gone(job.worker) or (job.heartbeat_at or job.created_at)
                    < stale_before):
                continue
            if job.attempts >= MAX_ATTEMPTS:
                values = {"state": "failed", "finished_at": _now(),
                          "error": f"interrompu {job.attempts} fois (arrêt du processus qui "
                                   "l'exécutait) : abandonné"}
            else:
                values = {"state": "queued", "worker": None, "progress": 0.0}
                requeued.append(job.id)
            uow.session.execute(update(Job).where(Job.id == job.id, Job.state == "running",
                                                  Job.worker == job.worker).values(**values))
        uow.commit()
    return requeued
