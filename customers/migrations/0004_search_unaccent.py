"""Accent-insensitive trigram indexes on customer and organisation names (PostgreSQL only).

Searches match names with `caredesk_unaccent(name) ILIKE caredesk_unaccent('%…%')`
(`common.textsearch.FoldedContains`), so "nunez" finds "Núñez" and "quinlan" finds "Quinlan Wholesale".

- The `unaccent` extension is trusted (PostgreSQL 13+): the database owner may create it.
- `unaccent()` is only STABLE (it reads a dictionary that could change), and PostgreSQL indexes
  immutable expressions only, so `caredesk_unaccent(text)` wraps it as IMMUTABLE, naming the
  dictionary and the function with the extension's schema so no search_path can change what it does.
  If the unaccent rules were ever changed, these indexes (and recovery's text index) must be rebuilt.
- GIN trigram indexes on `caredesk_unaccent(name)` answer the leading-wildcard match for customers
  and organisations; the plain trigram index on the customer's name (customers/0002) is dropped, since
  no query uses it any more (email and phone keep theirs).

SQL run only on PostgreSQL, like customers/0002: migration state is unchanged, so `makemigrations
--check` stays clean. (Django's UnaccentExtension operation is not used: reversing it queries
pg_extension even on SQLite.) Reversing restores the old index and keeps the extension. On a large
table, create the two indexes by hand first with CREATE INDEX CONCURRENTLY under the same names.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

CREATE_EXTENSION = "CREATE EXTENSION IF NOT EXISTS unaccent"
EXTENSION_SCHEMA = (
    "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent'"
)
CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION caredesk_unaccent(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT {schema}.unaccent('{schema}.unaccent'::regdictionary, $1) $$
"""
FORWARDS = [
    "CREATE INDEX IF NOT EXISTS customer_name_unaccent_trgm_idx ON customers_customer "
    "USING gin (caredesk_unaccent(name) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS organization_name_unaccent_trgm_idx ON customers_organization "
    "USING gin (caredesk_unaccent(name) gin_trgm_ops)",
    "DROP INDEX IF EXISTS customer_name_trgm_idx",
    # The planner knows an expression's values only once the table is analysed (see recovery/0009).
    "ANALYZE customers_customer",
    "ANALYZE customers_organization",
]
BACKWARDS = [
    "CREATE INDEX IF NOT EXISTS customer_name_trgm_idx ON customers_customer USING gin (name gin_trgm_ops)",
    "DROP INDEX IF EXISTS customer_name_unaccent_trgm_idx",
    "DROP INDEX IF EXISTS organization_name_unaccent_trgm_idx",
    "DROP FUNCTION IF EXISTS caredesk_unaccent(text)",
]


def forwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_EXTENSION)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(EXTENSION_SCHEMA)
        (schema,) = cursor.fetchone()
    schema_editor.execute(CREATE_FUNCTION.format(schema=schema_editor.quote_name(schema)))
    for statement in FORWARDS:
        schema_editor.execute(statement)


def backwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in BACKWARDS:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0003_customer_phone_normalized"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
