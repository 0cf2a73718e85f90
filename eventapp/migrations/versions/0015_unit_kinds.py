"""unit kinds are data: unit_kind table (seeded), unit.kind and registration_cap.unit_kind
become keys of it (every existing value is kept)

Revision ID: 0015_unit_kinds
Revises: 0014_reminders
Create Date: 2026-11-30 00:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_unit_kinds'
down_revision = '0014_reminders'
branch_labels = None
depends_on = None

#: The kinds of a fresh database, as units/models.py DEFAULT_KINDS had them when this was
#: written (copied: a migration must not change when the app's defaults do).
DEFAULTS = (
    ('commune', 'Đoàn xã, phường, đặc khu'),
    ('high_school', 'Đoàn trường THPT'),
    ('gdnn_gdtx', 'Đoàn Trung tâm GDNN-GDTX'),
    ('college', 'Đoàn trường Cao đẳng, Đại học'),
    ('pioneer_brigade', 'Liên đội Tiểu học, THCS'),
    ('agency_union', 'Đoàn khối, Đoàn cơ quan'),
    ('district', 'Huyện, Thành đoàn'),
    ('other', 'Khác'),
)
#: The keys the code knew before this revision: what a downgrade can put back.
OLD_KEYS = ('district', 'high_school', 'gdnn_gdtx', 'college', 'other')
KEY_LENGTH = 40

unit_kind = sa.table('unit_kind', sa.column('key', sa.String()), sa.column('name', sa.String()),
                     sa.column('position', sa.Integer()))


def _keys_in_use(conn) -> set[str]:
    """Every kind a unit, a cap or an event's submitting kinds names today."""
    used = set(conn.execute(sa.text('SELECT DISTINCT kind FROM unit')).scalars())
    used |= set(conn.execute(sa.text(
        'SELECT DISTINCT unit_kind FROM registration_cap WHERE unit_kind IS NOT NULL')).scalars())
    rules = sa.table('nomination_rules', sa.column('unit_kinds', sa.JSON()))
    for listed in conn.execute(sa.select(rules.c.unit_kinds)).scalars():
        used |= {k for k in listed or [] if isinstance(k, str)}
    return used


def upgrade():
    op.create_table('unit_kind',
    sa.Column('key', sa.String(length=KEY_LENGTH), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_unit_kind'))
    )
    # A key no default covers (an event's own "city") becomes a kind named by its key, so
    # every unit, cap and rule keeps its value; the organizer can rename it. A rule's key
    # too long to be a kind stays in its JSON list (nothing refers to it by foreign key).
    defaults = {key for key, _ in DEFAULTS}
    extra = sorted(k for k in _keys_in_use(op.get_bind())
                   if k not in defaults and 0 < len(k) <= KEY_LENGTH)
    op.bulk_insert(unit_kind, [
        {'key': key, 'name': name, 'position': position}
        for position, (key, name) in enumerate([*DEFAULTS, *((k, k) for k in extra)])])

    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=sa.String(length=20),
                              type_=sa.String(length=KEY_LENGTH), existing_nullable=False)
        batch_op.create_foreign_key(batch_op.f('fk_unit_kind_unit_kind'), 'unit_kind',
                                    ['kind'], ['key'])
    with op.batch_alter_table('registration_cap', schema=None) as batch_op:
        batch_op.alter_column('unit_kind', existing_type=sa.String(length=20),
                              type_=sa.String(length=KEY_LENGTH), existing_nullable=True)
        batch_op.create_foreign_key(batch_op.f('fk_registration_cap_unit_kind_unit_kind'),
                                    'unit_kind', ['unit_kind'], ['key'])


def downgrade():
    conn = op.get_bind()
    new = sorted(set(conn.execute(sa.text('SELECT DISTINCT kind FROM unit')).scalars())
                 | set(conn.execute(sa.text('SELECT DISTINCT unit_kind FROM registration_cap '
                                            'WHERE unit_kind IS NOT NULL')).scalars()))
    new = [k for k in new if k not in OLD_KEYS]
    if new:
        # Mapping them to "other" would lose what the organizer chose: refuse instead.
        raise RuntimeError('Units or caps use kinds the older code does not know '
                           f'({", ".join(new)}); change them to {", ".join(OLD_KEYS)} first.')
    with op.batch_alter_table('registration_cap', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_registration_cap_unit_kind_unit_kind'),
                                 type_='foreignkey')
        batch_op.alter_column('unit_kind', existing_type=sa.String(length=KEY_LENGTH),
                              type_=sa.String(length=20), existing_nullable=True)
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_unit_kind_unit_kind'), type_='foreignkey')
        batch_op.alter_column('kind', existing_type=sa.String(length=KEY_LENGTH),
                              type_=sa.String(length=20), existing_nullable=False)
    op.drop_table('unit_kind')
