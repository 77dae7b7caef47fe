"""Full-text index on a complaint's summary and description (PostgreSQL only).

The index expression is exactly the SQL Django generates for
`recovery.search.complaint_search_vector()`, i.e.
`SearchVector("summary", "description", config="english")`:

    to_tsvector('english'::regconfig, COALESCE(summary, '') || ' ' || COALESCE(description, ''))

PostgreSQL uses an expression index only when the query repeats the expression
exactly, so change both together; tests/test_search.py checks with EXPLAIN
that the search still uses this index.

Deliberately not declared in `Complaint.Meta.indexes` (that would tie the model
to PostgreSQL and break the SQLite demo): it is SQL run only on PostgreSQL, and
migration state is unchanged, so `makemigrations --check` stays clean.
"""

from typing import Any

from django.db import migrations

CREATE_INDEX = (
    "CREATE INDEX IF NOT EXISTS complaint_search_fts_idx ON recovery_complaint USING gin "
    "(to_tsvector('english'::regconfig, COALESCE(summary, '') || ' ' || COALESCE(description, '')))"
)
DROP_INDEX = "DROP INDEX IF EXISTS complaint_search_fts_idx"


def create_index(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_INDEX)


def drop_index(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("recovery", "0002_starter_data"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
