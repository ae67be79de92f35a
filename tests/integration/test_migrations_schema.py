"""Every migration on the test database, SQLite or PostgreSQL: together they give exactly
the models' schema, and they go down to the first revision and up again."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from spar.db import MIGRATIONS, current_revision, make_engine, upgrade
from spar.db.models import Base

HEAD = ScriptDirectory(str(MIGRATIONS)).get_current_head()


def _differences(engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def test_the_migrations_give_the_models_schema(database_url):
    engine = make_engine(database_url)
    try:
        assert current_revision(engine) == HEAD
        assert _differences(engine) == []
    finally:
        engine.dispose()


def test_the_migrations_go_down_and_up_again(empty_database):
    engine = make_engine(empty_database)
    try:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0001")
        assert current_revision(engine) == "0001"
        upgrade(engine)
        assert current_revision(engine) == HEAD
        assert _differences(engine) == []
    finally:
        engine.dispose()
