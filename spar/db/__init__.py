"""The database: engine and sessions for the app, and migrations with Alembic."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from .breaker import ConnectionBreaker, DatabaseUnavailable

__all__ = ["ConnectionBreaker", "Database", "DatabaseUnavailable", "current_revision",
           "make_engine", "upgrade"]

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str, *, connect_timeout: int | None = None,
                statement_timeout: int | None = None, breaker: ConnectionBreaker | None = None,
                **kwargs) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys and serialised writers.

    SQLite writers take the write lock when their transaction begins
    (``BEGIN IMMEDIATE``) so that two requests can never both read the same last
    audit entry and fork the hash chain.

    Every pooled connection is pinged before use, so one the database dropped (a restart,
    a failover) is replaced instead of failing a request. On PostgreSQL,
    ``connect_timeout`` bounds how long a connection may take to open (a server that
    accepts TCP but never answers) and how long a request waits for a pooled one, TCP
    keepalives notice a vanished server, and
    ``statement_timeout`` (seconds) bounds each statement. ``breaker`` refuses new
    connections for a while after one failed (see :mod:`spar.db.breaker`).
    """
    kwargs.setdefault("pool_pre_ping", True)
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
    elif url.startswith("postgresql"):
        # keepalives and an unacknowledged-write limit notice a server that vanished
        connect_args = {"keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10,
                        "keepalives_count": 3, "tcp_user_timeout": 30_000}
        if connect_timeout:
            # libpq counts whole seconds, and reads anything under 2 as 2
            connect_args["connect_timeout"] = max(2, int(connect_timeout))
            kwargs.setdefault("pool_timeout", max(2, int(connect_timeout)))
        kwargs.setdefault("connect_args", connect_args)
    # never write SQL parameters (a sealed offer's answers) into an error or a log
    engine = create_engine(url, hide_parameters=True, **kwargs)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_connection, _record):
            dbapi_connection.isolation_level = None  # let us issue BEGIN ourselves
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
    elif engine.dialect.name == "postgresql" and statement_timeout:
        milliseconds = int(statement_timeout) * 1000

        @event.listens_for(engine, "connect")
        def _postgresql_connect(dbapi_connection, _record):
            # a SET, not the URL's ``options``, which may already carry a search_path
            with dbapi_connection.cursor() as cursor:
                cursor.execute(f"SET statement_timeout = {milliseconds}")
            dbapi_connection.commit()
    if breaker is not None:
        @event.listens_for(engine, "do_connect")
        def _guarded_connect(dialect, _record, cargs, cparams):
            breaker.before_connect()
            try:
                connection = dialect.connect(*cargs, **cparams)
            except Exception:
                breaker.failed()
                raise
            breaker.connected()
            return connection
    return engine


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Create or migrate the schema of ``engine`` to ``revision``."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, None when it was never migrated."""
    from alembic.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


class Database:
    """Flask extension holding the engine and the session factory, created unbound."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self.sessions: sessionmaker[Session] | None = None
        self.breaker: ConnectionBreaker | None = None

    def init_app(self, app) -> None:
        self.breaker = ConnectionBreaker(app.config["DATABASE_RETRY_AFTER"])
        self.engine = make_engine(app.config["DATABASE_URL"],
                                  connect_timeout=app.config["DATABASE_CONNECT_TIMEOUT"],
                                  statement_timeout=app.config["DATABASE_STATEMENT_TIMEOUT"],
                                  breaker=self.breaker)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        app.extensions["spar.db"] = self
