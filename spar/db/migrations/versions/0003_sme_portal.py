"""The SME portal (SPEC §8): the purchasing programme and interest in it, company
profiles with their history and search terms, and the notices to firms.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

# Written out here rather than imported, so this revision never changes under us. Plain
# json on PostgreSQL: jsonb would rewrite numbers (as in 0001).
JSON_DOCUMENT = sa.JSON()


def upgrade() -> None:
    op.create_table('company_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('siret', sa.String(length=14), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=500), nullable=True),
    sa.Column('size', sa.String(length=16), nullable=False),
    sa.Column('departement', sa.String(length=3), nullable=True),
    sa.Column('categories', JSON_DOCUMENT, nullable=False),
    sa.Column('skills', JSON_DOCUMENT, nullable=False),
    sa.Column('standing_answers', JSON_DOCUMENT, nullable=False),
    sa.Column('standing_evidence', JSON_DOCUMENT, nullable=False),
    sa.Column('visibility', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by'], ['tokens.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('siret')
    )
    with op.batch_alter_table('company_profiles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_company_profiles_departement'), ['departement'], unique=False)
        batch_op.create_index(batch_op.f('ix_company_profiles_size'), ['size'], unique=False)
        batch_op.create_index(batch_op.f('ix_company_profiles_visibility'), ['visibility'], unique=False)

    op.create_table('company_profile_terms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['profile_id'], ['company_profiles.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('company_profile_terms', schema=None) as batch_op:
        batch_op.create_index('ix_company_profile_terms_kind_value', ['kind', 'value'], unique=False)
        batch_op.create_index(batch_op.f('ix_company_profile_terms_profile_id'), ['profile_id'], unique=False)

    op.create_table('company_profile_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('document', JSON_DOCUMENT, nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.Column('changed_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['changed_by'], ['tokens.id'], ),
    sa.ForeignKeyConstraint(['profile_id'], ['company_profiles.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('profile_id', 'version')
    )
    op.create_table('programme_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('expected_publication', sa.String(length=7), nullable=False),
    sa.Column('estimate_min', sa.Float(), nullable=True),
    sa.Column('estimate_max', sa.Float(), nullable=True),
    sa.Column('criteria_set_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], ),
    sa.ForeignKeyConstraint(['created_by'], ['tokens.id'], ),
    sa.ForeignKeyConstraint(['criteria_set_id'], ['criteria_sets.id'], ),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('consultation_id')
    )
    with op.batch_alter_table('programme_items', schema=None) as batch_op:
        batch_op.create_index('ix_programme_items_month', ['status', 'expected_publication'], unique=False)
        batch_op.create_index(batch_op.f('ix_programme_items_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('siret', sa.String(length=14), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('programme_item_id', sa.Integer(), nullable=True),
    sa.Column('consultation', sa.String(length=64), nullable=True),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('email_to', sa.String(length=254), nullable=True),
    sa.Column('email_status', sa.String(length=16), nullable=False),
    sa.Column('email_attempts', sa.Integer(), nullable=False),
    sa.Column('email_last_error', sa.Text(), nullable=True),
    sa.Column('email_next_attempt_at', sa.DateTime(), nullable=True),
    sa.Column('email_sent_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['programme_item_id'], ['programme_items.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.create_index('ix_notices_email_status', ['email_status'], unique=False)
        batch_op.create_index('ix_notices_siret', ['siret', 'id'], unique=False)

    op.create_table('programme_interests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('siret', sa.String(length=14), nullable=False),
    sa.Column('company_name', sa.String(length=200), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['tokens.id'], ),
    sa.ForeignKeyConstraint(['item_id'], ['programme_items.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('programme_interests', schema=None) as batch_op:
        batch_op.create_index('ix_programme_interests_item_siret', ['item_id', 'siret'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('programme_interests', schema=None) as batch_op:
        batch_op.drop_index('ix_programme_interests_item_siret')

    op.drop_table('programme_interests')
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_index('ix_notices_siret')
        batch_op.drop_index('ix_notices_email_status')

    op.drop_table('notices')
    with op.batch_alter_table('programme_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programme_items_organisation_id'))
        batch_op.drop_index('ix_programme_items_month')

    op.drop_table('programme_items')
    op.drop_table('company_profile_versions')
    with op.batch_alter_table('company_profile_terms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_company_profile_terms_profile_id'))
        batch_op.drop_index('ix_company_profile_terms_kind_value')

    op.drop_table('company_profile_terms')
    with op.batch_alter_table('company_profiles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_company_profiles_visibility'))
        batch_op.drop_index(batch_op.f('ix_company_profiles_size'))
        batch_op.drop_index(batch_op.f('ix_company_profiles_departement'))

    op.drop_table('company_profiles')
