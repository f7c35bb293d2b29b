"""calendar tokens: private .ics addresses, and each meeting's revision for phone calendars

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 15:11:39.637322
"""

from alembic import op
import sqlalchemy as sa
import models.base


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('calendar_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('selector', sa.String(length=16), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('cell_id', sa.Integer(), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
    sa.CheckConstraint('(person_id IS NULL) <> (cell_id IS NULL)', name=op.f('ck_calendar_tokens_one_owner')),
    sa.ForeignKeyConstraint(['cell_id'], ['cells.id'], name=op.f('fk_calendar_tokens_cell_id_cells'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_calendar_tokens_person_id_persons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_tokens')),
    sa.UniqueConstraint('cell_id', name=op.f('uq_calendar_tokens_cell_id')),
    sa.UniqueConstraint('person_id', name=op.f('uq_calendar_tokens_person_id')),
    sa.UniqueConstraint('selector', name=op.f('uq_calendar_tokens_selector'))
    )
    # Existing meetings start at revision 0, never changed: the feed shows their creation time.
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revision', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('changed_at', models.base.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_column('changed_at')
        batch_op.drop_column('revision')

    op.drop_table('calendar_tokens')
