"""Keep each customer's phone number in one normalised form, so "07700 900348" finds "+44 7700 900348".

`Customer.save()` fills `phone_normalized` from `phone` (`common.phones.phone_key`: E.164 when the
number reads as one, national numbers read in PHONE_REGION; else the bare digits). This back-fills
the existing customers the same way, then indexes the column: search and the duplicate check compare
it for equality, which a B-tree answers. It replaces the expression index on the phone's digits
(recovery/0009, dropped by recovery/0013), which could not see that 07700… and +44 7700… are one number.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import migrations, models

from common.phones import phone_key

BATCH = 2000


def backfill(apps: Any, schema_editor: Any) -> None:
    Customer = apps.get_model("customers", "Customer")
    customers = Customer.objects.using(schema_editor.connection.alias)
    batch = []
    for customer in customers.exclude(phone="").only("pk", "phone").order_by("pk").iterator(chunk_size=BATCH):
        customer.phone_normalized = phone_key(customer.phone, region=settings.PHONE_REGION)
        batch.append(customer)
        if len(batch) == BATCH:
            customers.bulk_update(batch, ["phone_normalized"])
            batch = []
    customers.bulk_update(batch, ["phone_normalized"])


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0002_search_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="customer",
            name="phone_normalized",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="The phone number in international form (+447700900348), else its digits; kept by save().",
                max_length=40,
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="customer",
            index=models.Index(fields=["phone_normalized"], name="customer_phone_normalized_idx"),
        ),
    ]
