"""Publish version 1 of the customer-service policy, and give the Managers role `publish_policy`.

The empowerment limit starts at 50 in the installation's currency (settings.CURRENCY). Why 50: it
covers the everyday gestures front-line staff make on the spot (a voucher, a small refund, the delivery
charge back, a gift) without waiting for anyone, which is what makes an atonement feel sincere; and it is
low enough that anything larger, which usually means a pattern or a business relationship worth a
manager's look, goes to a manager. Each organisation sets its own by publishing a new version.

Published by nobody (published_by empty, shown as "CareDesk"): no person wrote it at installation time.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

from accounts.bootstrap import ensure_roles
from policy.bootstrap import ensure_first_version


def forwards(apps: Any, schema_editor: Any) -> None:
    ensure_roles(apps)
    ensure_first_version(apps)


class Migration(migrations.Migration):
    dependencies = [("policy", "0001_policy_versions")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
