"""Accent-insensitive full-text search over a complaint's text, and the end of the phone-digits index (PostgreSQL only).

- Text search configuration `caredesk_english`: a copy of `english` that runs words with letters
  beyond ASCII (`word`, `hword`, `hword_part`) through the `unaccent` dictionary before stemming, so
  "cafe" finds "café" and "senor" finds "Señor"; ASCII words are stemmed exactly as before.
- The full-text GIN index is rebuilt on that configuration, as `complaint_text_fts_idx`. Its expression
  is exactly the SQL Django generates for `recovery.search.complaint_search_vector()`:

      to_tsvector('caredesk_english'::regconfig, COALESCE(summary, '') || ' ' || COALESCE(description, ''))

  PostgreSQL uses an expression index only when the query repeats the expression exactly, so change
  both together; tests/test_search.py checks with EXPLAIN that the search still uses this index.
- `customer_phone_digits_idx` (recovery/0009) goes: phone searches now compare the stored
  `Customer.phone_normalized` (customers/0003, its own B-tree index) instead of the digits expression.

SQL run only on PostgreSQL, like recovery/0003 and 0009; migration state is unchanged. On a large
table, create the new index by hand first with CREATE INDEX CONCURRENTLY under the same name (after
creating the configuration as below): this migration then only drops the old ones.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

# The unaccent extension and caredesk_unaccent() come from customers/0004.
EXTENSION_SCHEMA = (
    "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent'"
)
CONFIG_EXISTS = "SELECT 1 FROM pg_ts_config WHERE cfgname = 'caredesk_english'"
CREATE_CONFIG = [
    "CREATE TEXT SEARCH CONFIGURATION caredesk_english (COPY = pg_catalog.english)",
    "ALTER TEXT SEARCH CONFIGURATION caredesk_english ALTER MAPPING FOR hword, hword_part, word "
    "WITH {schema}.unaccent, english_stem",
]
TEXT = "COALESCE(summary, '') || ' ' || COALESCE(description, '')"
FORWARDS = [
    "CREATE INDEX IF NOT EXISTS complaint_text_fts_idx ON recovery_complaint "
    f"USING gin (to_tsvector('caredesk_english'::regconfig, {TEXT}))",
    "DROP INDEX IF EXISTS complaint_search_fts_idx",
    "DROP INDEX IF EXISTS customer_phone_digits_idx",
    "ANALYZE recovery_complaint",
]
PHONE_DIGITS = (
    "replace(replace(replace(replace(replace(replace(replace("
    "phone, ' ', ''), '-', ''), '(', ''), ')', ''), '.', ''), '+', ''), '/', '')"
)
BACKWARDS = [
    "CREATE INDEX IF NOT EXISTS complaint_search_fts_idx ON recovery_complaint "
    f"USING gin (to_tsvector('english'::regconfig, {TEXT}))",
    f"CREATE INDEX IF NOT EXISTS customer_phone_digits_idx ON customers_customer (({PHONE_DIGITS}))",
    "DROP INDEX IF EXISTS complaint_text_fts_idx",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS caredesk_english",
]


def forwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(EXTENSION_SCHEMA)
        (schema,) = cursor.fetchone()
        cursor.execute(CONFIG_EXISTS)
        config_exists = cursor.fetchone() is not None
    if not config_exists:
        for statement in CREATE_CONFIG:
            schema_editor.execute(statement.format(schema=schema_editor.quote_name(schema)))
    for statement in FORWARDS:
        schema_editor.execute(statement)


def backwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in BACKWARDS:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("recovery", "0012_policy_change_rule"),
        ("customers", "0004_search_unaccent"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
