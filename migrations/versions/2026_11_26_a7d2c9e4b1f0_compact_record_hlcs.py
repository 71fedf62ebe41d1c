"""Store each sync record's field hlcs compactly (one shared hlc plus exceptions) and owners only where they differ from the hlc's client.

A record written by one mutation used to repeat the same ~70-character hlc, and the same client id
as its owner, for every field: two thirds of the row. The new ``hlc`` column holds the hlc most
fields share; ``hlcs`` keeps only the fields whose hlc differs, and ``owners`` only the fields
whose owners are not just the client of the field's hlc (see sync.hlc.compact_hlcs).

Revision ID: a7d2c9e4b1f0
Revises: 5e05904f3902
Create Date: 2026-11-26 07:40:00.000000

"""
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7d2c9e4b1f0'
down_revision = '5e05904f3902'
branch_labels = None
depends_on = None

BATCH = 1000

# The functions below are copies, frozen as of this revision, of sync.hlc.compact_hlcs and
# expand_hlcs: a migration must keep doing what it did when the code it came with changes.


def _compact(hlcs):
    if not hlcs:
        return None, {}
    counts = {}
    for value in hlcs.values():
        counts[value] = counts.get(value, 0) + 1
    base = max(counts, key=lambda value: (counts[value], value))
    return base, {name: value for name, value in hlcs.items() if value != base}


def _client_of(hlc):
    return hlc[30:]


def _records(conn, columns):
    table = sa.table('sync_records', *(sa.column(name) for name in ('collection', 'record_id', *columns)))
    last = ('', '')
    while True:
        rows = conn.execute(
            sa.select(*(sa.cast(table.c[name], sa.Text) if name != 'hlc' else table.c[name]
                        for name in ('collection', 'record_id', *columns)))
            .where(sa.tuple_(table.c.collection, table.c.record_id) > sa.tuple_(*last))
            .order_by(table.c.collection, table.c.record_id).limit(BATCH)).all()
        if not rows:
            return
        yield rows
        last = (rows[-1][0], rows[-1][1])


def _json_param(conn, name):
    # PostgreSQL takes JSON as text cast to json; SQLite must not CAST (JSON has NUMERIC affinity there,
    # and CAST(text AS NUMERIC) turns an object into 0): the column stores the text as it is
    return f'CAST(:{name} AS JSON)' if conn.dialect.name == 'postgresql' else f':{name}'


def _loads(value):
    return json.loads(value) if isinstance(value, str) else (value or {})


def upgrade():
    op.add_column('sync_records', sa.Column('hlc', sa.String(length=100), nullable=True))
    conn = op.get_bind()
    update = sa.text(f'UPDATE sync_records SET hlc = :hlc, hlcs = {_json_param(conn, "hlcs")}, '
                     f'owners = {_json_param(conn, "owners")} WHERE collection = :c AND record_id = :r')
    for rows in _records(conn, ('hlcs', 'owners')):
        params = []
        for collection, record_id, hlcs_text, owners_text in rows:
            hlcs, owners = _loads(hlcs_text), _loads(owners_text)
            base, exceptions = _compact(hlcs)
            kept = {name: ids for name, ids in owners.items()
                    if name not in hlcs or ids != [_client_of(hlcs[name])]}
            params.append({'hlc': base, 'hlcs': json.dumps(exceptions, separators=(',', ':'), sort_keys=True),
                           'owners': json.dumps(kept, separators=(',', ':'), sort_keys=True),
                           'c': collection, 'r': record_id})
        conn.execute(update, params)


def downgrade():
    conn = op.get_bind()
    update = sa.text(f'UPDATE sync_records SET hlcs = {_json_param(conn, "hlcs")}, '
                     f'owners = {_json_param(conn, "owners")} WHERE collection = :c AND record_id = :r')
    for rows in _records(conn, ('data', 'hlc', 'hlcs', 'owners')):
        params = []
        for collection, record_id, data_text, base, hlcs_text, owners_text in rows:
            data, exceptions, owners = _loads(data_text), _loads(hlcs_text), _loads(owners_text)
            hlcs = {name: exceptions.get(name, base) for name in data if exceptions.get(name, base) is not None}
            full = {name: owners.get(name) or [_client_of(hlc)] for name, hlc in hlcs.items()}
            params.append({'hlcs': json.dumps(hlcs, separators=(',', ':'), sort_keys=True),
                           'owners': json.dumps(full, separators=(',', ':'), sort_keys=True),
                           'c': collection, 'r': record_id})
        conn.execute(update, params)
    op.drop_column('sync_records', 'hlc')
