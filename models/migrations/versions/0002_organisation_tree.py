"""Organisations as a tree: committees get a parent and a kind, names are unique among siblings,
and admins and supervisors of a whole subtree are stored per node (committee_roles).

Today's committees become top-level nodes; their kind is read from their name ("Đảng ủy phường …").

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from alembic import op
import sqlalchemy as sa

import unicodedata


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

KINDS = ('tinh_uy', 'dang_uy_xa', 'dang_bo_co_so', 'khac')
# Frozen here (the application's rules may grow): a top-level name's first words -> kind.
PREFIXES = (
    (('thanh uy', 'tinh uy', 'dang bo thanh pho', 'dang bo tinh'), 'tinh_uy'),
    (('dang uy xa', 'dang uy phuong', 'dang uy dac khu', 'dang bo xa', 'dang bo phuong', 'dang bo dac khu'), 'dang_uy_xa'),
    (('dang bo', 'dang uy'), 'dang_bo_co_so'),
)


def _kind(name: str) -> str:
    folded = unicodedata.normalize('NFD', name.replace('Đ', 'D').replace('đ', 'd'))
    folded = ' '.join(''.join(c for c in folded if not unicodedata.combining(c)).lower().split())
    return next((kind for prefixes, kind in PREFIXES if folded.startswith(prefixes)), 'khac')


def upgrade() -> None:
    op.create_table('committee_roles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('committee_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('quan_tri', 'theo_doi', name='node_role', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.ForeignKeyConstraint(['committee_id'], ['committees.id'], name=op.f('fk_committee_roles_committee_id_committees'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_committee_roles_person_id_persons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_committee_roles')),
    sa.UniqueConstraint('person_id', 'committee_id', 'role', name=op.f('uq_committee_roles_person_id_committee_id_role'))
    )
    with op.batch_alter_table('committee_roles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_committee_roles_committee_id'), ['committee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_committee_roles_person_id'), ['person_id'], unique=False)

    with op.batch_alter_table('committees', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parent_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('kind', sa.Enum(*KINDS, name='committee_kind', native_enum=False, create_constraint=True, length=24), server_default='khac', nullable=False))
        batch_op.drop_constraint(batch_op.f('uq_committees_name'), type_='unique')
        batch_op.create_index(batch_op.f('ix_committees_parent_id'), ['parent_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_committees_parent_id_committees'), 'committees', ['parent_id'], ['id'], ondelete='CASCADE')
    op.create_index('uq_committees_parent_name', 'committees', [sa.text('coalesce(parent_id, 0)'), 'name'], unique=True)

    committees = sa.table('committees', sa.column('id', sa.Integer), sa.column('name', sa.String), sa.column('kind', sa.String))
    connection = op.get_bind()
    for committee_id, name in connection.execute(sa.select(committees.c.id, committees.c.name)).all():
        kind = _kind(name)
        if kind != 'khac':
            connection.execute(committees.update().where(committees.c.id == committee_id).values(kind=kind))


def downgrade() -> None:
    op.drop_index('uq_committees_parent_name', table_name='committees')
    with op.batch_alter_table('committees', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_committees_parent_id_committees'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_committees_parent_id'))
        batch_op.create_unique_constraint(batch_op.f('uq_committees_name'), ['name'])
        batch_op.drop_column('kind')
        batch_op.drop_column('parent_id')

    with op.batch_alter_table('committee_roles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_committee_roles_person_id'))
        batch_op.drop_index(batch_op.f('ix_committee_roles_committee_id'))

    op.drop_table('committee_roles')
