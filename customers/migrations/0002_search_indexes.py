"""Trigram indexes for searching customers by name, email and phone (PostgreSQL only).

`recovery.search.search_complaints` matches customers with `name ILIKE '%…%'`
(and the same on email and phone). A B-tree index cannot answer a pattern with
a leading wildcard; a GIN index with `gin_trgm_ops` can, for LIKE and ILIKE alike.

These indexes are deliberately not declared in `Customer.Meta.indexes`: they
need the pg_trgm extension and must be skipped on SQLite (the embedded demo),
so they live here as SQL run only on PostgreSQL. Migration state is unchanged,
so `makemigrations --check` stays clean. pg_trgm is a trusted extension
(PostgreSQL 13+): the database owner may create it without being superuser.
Reversing drops the indexes but keeps the extension (something else may use it).
"""

from typing import Any

from django.db import migrations

FORWARDS = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS customer_name_trgm_idx ON customers_customer USING gin (name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS customer_email_trgm_idx ON customers_customer USING gin (email gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS customer_phone_trgm_idx ON customers_customer USING gin (phone gin_trgm_ops)",
]
BACKWARDS = [
    "DROP INDEX IF EXISTS customer_name_trgm_idx",
    "DROP INDEX IF EXISTS customer_email_trgm_idx",
    "DROP INDEX IF EXISTS customer_phone_trgm_idx",
]


def _run_on_postgresql(statements: list[str]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(_run_on_postgresql(FORWARDS), _run_on_postgresql(BACKWARDS), elidable=False),
    ]
