"""Index for finding a customer by the digits of their phone number (PostgreSQL only), found by `make bench`.

`customers.selectors.customer_search` (the log form's customer picker and the customer list) ORs the
trigram matches on name, email and phone with `phone_digits(phone) = '<digits>'` when the query looks
like a phone number. Without an index on that expression the OR cannot be a BitmapOr of index scans,
so PostgreSQL walks every customer in name order: 265 ms at 200,000 customers (EXPLAIN ANALYZE on the
bench database), 2 ms with this index.

The expression is exactly the SQL Django generates for `customers.selectors.phone_digits()` (one
REPLACE per character of PHONE_SEPARATORS, in that order); PostgreSQL uses an expression index only
when the query repeats it exactly, so change both together. Like recovery/0003 and customers/0002 it is
SQL run only on PostgreSQL and migration state is unchanged, so `makemigrations --check` stays clean.
On a large table, create the index by hand first with CREATE INDEX CONCURRENTLY under the same name:
this migration then only analyses the table.
"""

from typing import Any

from django.db import migrations

PHONE_DIGITS = (
    "replace(replace(replace(replace(replace(replace(replace("
    "phone, ' ', ''), '-', ''), '(', ''), ')', ''), '.', ''), '+', ''), '/', '')"
)
CREATE_INDEX = f"CREATE INDEX IF NOT EXISTS customer_phone_digits_idx ON customers_customer (({PHONE_DIGITS}))"
DROP_INDEX = "DROP INDEX IF EXISTS customer_phone_digits_idx"


def create_index(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_INDEX)
        # The planner knows the expression's values only once the table is analysed (creating the index
        # does not do it, nor does autovacuum until enough rows change); until then it guesses that
        # 0.5% of customers match and keeps the slow plan.
        schema_editor.execute("ANALYZE customers_customer")


def drop_index(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("recovery", "0008_recoveryaction_due_at"),
        ("customers", "0002_search_indexes"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
