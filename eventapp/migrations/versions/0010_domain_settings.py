"""domain settings: question_settings and nomination_rules tables, registration_setting
.deadline; the values move out of event (every event's values are copied both ways)

Revision ID: 0010_domain_settings
Revises: 0009_checkin_review
Create Date: 2026-11-29 21:00:00

"""
from alembic import op
import sqlalchemy as sa

import eventapp.database


# revision identifiers, used by Alembic.
revision = '0010_domain_settings'
down_revision = '0009_checkin_review'
branch_labels = None
depends_on = None

#: registration_setting rows made for events that had none keep this limit (the default an
#: event without a row has: registration/models.py DEFAULT_MAX_PER_UNIT).
DEFAULT_MAX_PER_UNIT = 10
QUESTION_COLUMNS = (('question_deadline', 'deadline'), ('question_min_per_unit', 'min_per_unit'),
                    ('question_max_per_unit', 'max_per_unit'))
NOMINATION_COLUMNS = (('nomination_deadline', 'deadline'),
                      ('nomination_reference_date', 'reference_date'),
                      ('serving_min_years', 'serving_min_years'),
                      ('retired_min_years', 'retired_min_years'),
                      ('title_window_years', 'title_window_years'),
                      ('discipline_window_years', 'discipline_window_years'),
                      ('nomination_unit_kinds', 'unit_kinds'))


def _event_columns():
    """The event's old columns, in the shape 0001 made them (nullable until filled)."""
    return [
        sa.Column('question_deadline', eventapp.database.UTCDateTime(), nullable=True),
        sa.Column('question_min_per_unit', sa.Integer(), nullable=True),
        sa.Column('question_max_per_unit', sa.Integer(), nullable=True),
        sa.Column('registration_deadline', eventapp.database.UTCDateTime(), nullable=True),
        sa.Column('nomination_deadline', eventapp.database.UTCDateTime(), nullable=True),
        sa.Column('nomination_reference_date', sa.Date(), nullable=True),
        sa.Column('serving_min_years', sa.Integer(), nullable=True),
        sa.Column('retired_min_years', sa.Integer(), nullable=True),
        sa.Column('title_window_years', sa.Integer(), nullable=True),
        sa.Column('discipline_window_years', sa.Integer(), nullable=True),
        sa.Column('nomination_unit_kinds', sa.JSON(), nullable=True),
    ]


#: The NOT NULL columns of event and what an event without a settings row gets.
NOT_NULL_DEFAULTS = (('question_min_per_unit', '0'), ('serving_min_years', '30'),
                     ('retired_min_years', '25'), ('title_window_years', '1'),
                     ('discipline_window_years', '5'))


def upgrade():
    op.create_table('question_settings',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('deadline', eventapp.database.UTCDateTime(), nullable=True),
    sa.Column('min_per_unit', sa.Integer(), nullable=False),
    sa.Column('max_per_unit', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_question_settings_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', name=op.f('pk_question_settings'))
    )
    op.create_table('nomination_rules',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('deadline', eventapp.database.UTCDateTime(), nullable=True),
    sa.Column('reference_date', sa.Date(), nullable=True),
    sa.Column('serving_min_years', sa.Integer(), nullable=False),
    sa.Column('retired_min_years', sa.Integer(), nullable=False),
    sa.Column('title_window_years', sa.Integer(), nullable=False),
    sa.Column('discipline_window_years', sa.Integer(), nullable=False),
    sa.Column('unit_kinds', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_nomination_rules_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', name=op.f('pk_nomination_rules'))
    )
    with op.batch_alter_table('registration_setting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deadline', eventapp.database.UTCDateTime(), nullable=True))

    # Every event's values, as stored (the same column types on both sides).
    for table, columns in (('question_settings', QUESTION_COLUMNS),
                           ('nomination_rules', NOMINATION_COLUMNS)):
        op.execute(f"INSERT INTO {table} (event_id, {', '.join(new for _, new in columns)}) "
                   f"SELECT id, {', '.join(old for old, _ in columns)} FROM event")
    op.execute("UPDATE registration_setting SET deadline = (SELECT registration_deadline "
               "FROM event WHERE event.id = registration_setting.event_id)")
    op.execute("INSERT INTO registration_setting (event_id, default_max_per_unit, deadline) "
               f"SELECT id, {DEFAULT_MAX_PER_UNIT}, registration_deadline FROM event "
               "WHERE registration_deadline IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
               "registration_setting WHERE registration_setting.event_id = event.id)")

    with op.batch_alter_table('event', schema=None) as batch_op:
        for column in _event_columns():
            batch_op.drop_column(column.name)


def downgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        for column in _event_columns():
            batch_op.add_column(column)

    for table, columns in (('question_settings', QUESTION_COLUMNS),
                           ('nomination_rules', NOMINATION_COLUMNS)):
        sets = ', '.join(f"{old} = (SELECT {new} FROM {table} WHERE {table}.event_id = event.id)"
                         for old, new in columns)
        op.execute(f"UPDATE event SET {sets}")
    op.execute("UPDATE event SET registration_deadline = (SELECT deadline FROM "
               "registration_setting WHERE registration_setting.event_id = event.id)")
    # Events that had no settings row get what such an event meant before (the defaults).
    for name, default in NOT_NULL_DEFAULTS:
        op.execute(f"UPDATE event SET {name} = {default} WHERE {name} IS NULL")
    kinds = sa.table('event', sa.column('nomination_unit_kinds', sa.JSON()))
    op.execute(kinds.update().where(kinds.c.nomination_unit_kinds.is_(None))
               .values(nomination_unit_kinds=['district']))

    with op.batch_alter_table('event', schema=None) as batch_op:
        for name, _ in (*NOT_NULL_DEFAULTS, ('nomination_unit_kinds', None)):
            batch_op.alter_column(name, existing_type=sa.JSON() if name ==
                                  'nomination_unit_kinds' else sa.Integer(), nullable=False)
    with op.batch_alter_table('registration_setting', schema=None) as batch_op:
        batch_op.drop_column('deadline')
    op.drop_table('nomination_rules')
    op.drop_table('question_settings')
