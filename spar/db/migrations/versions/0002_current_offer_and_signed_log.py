"""One current offer per supplier and lot, enforced by the database; signed audit log heads.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28

Before this revision two simultaneous submissions could leave a supplier with two
current offers for one lot. Such pairs are resolved the way the service resolves a
replacement — the later submission counts, the earlier is superseded by it — so that the
partial unique index can be built. ``spar audit verify`` will still name those offers,
as their log entries both claim to replace the same earlier offer: what happened stays
visible.
"""

from alembic import op
import sqlalchemy as sa

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

CURRENT = sa.text("superseded_at IS NULL")

#: the latest current offer of the same supplier and lot, for each older current one
_LATEST = ("(SELECT MAX(o2.id) FROM offers o2 WHERE o2.lot_id = offers.lot_id "
           "AND o2.siret = offers.siret AND o2.superseded_at IS NULL)")


def upgrade() -> None:
    op.execute(
        "UPDATE offers SET "
        f"superseded_at = (SELECT o3.submitted_at FROM offers o3 WHERE o3.id = {_LATEST}), "
        f"superseded_by = {_LATEST} "
        f"WHERE superseded_at IS NULL AND id < {_LATEST}")
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.create_index('ux_offers_current', ['lot_id', 'siret'], unique=True,
                              sqlite_where=CURRENT, postgresql_where=CURRENT)
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key_id', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('signature', sa.String(length=128), nullable=True))
        batch_op.create_index('ix_audit_target', ['target'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_target')
        batch_op.drop_column('signature')
        batch_op.drop_column('key_id')
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.drop_index('ux_offers_current')
