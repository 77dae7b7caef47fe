"""Phone numbers typed in any format are one number to search and the duplicate check."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps
from django.db import connection

from common.phones import phone_key, phone_search_keys
from customers.models import Customer
from tests.helpers.customers import new_customer
from tests.helpers.subprocesses import load_settings


@pytest.mark.parametrize(
    ("typed", "region", "key"),
    [
        ("07700 900348", "GB", "+447700900348"),
        ("+44 7700 900348", "GB", "+447700900348"),
        ("+44 (0)7700 900348", "GB", "+447700900348"),
        ("0044 7700 900348", "GB", "+447700900348"),
        ("07700 900348", "DE", "+497700900348"),
        ("030 1234567", "DE", "+49301234567"),
        ("+49 30 1234567", "GB", "+49301234567"),
        ("ext. 4711", "GB", "4711"),
        ("  ", "GB", ""),
    ],
)
def test_a_number_is_kept_in_international_form_when_it_reads_as_one(typed, region, key):
    assert phone_key(typed, region=region) == key


@pytest.mark.parametrize(
    ("typed", "keys"),
    [
        ("07700 900348", ["+447700900348", "07700900348"]),
        ("447700900348", ["+447700900348", "447700900348"]),
        ("4930 1234567", ["+49301234567", "49301234567"]),
        ("7946", []),
        ("Okafor", []),
        ("#123456", []),
    ],
)
def test_a_search_looks_for_every_reading_of_a_typed_number(typed, keys):
    assert phone_search_keys(typed, region="GB") == sorted(set(keys))


def test_the_migration_fills_in_the_numbers_of_existing_customers(db):
    customers = [new_customer(phone="07700 900348"), new_customer(phone="+44 161 496 0123"), new_customer(phone="")]
    Customer.objects.update(phone_normalized="")
    migration = importlib.import_module("customers.migrations.0003_customer_phone_normalized")

    with connection.schema_editor() as schema_editor:
        migration.backfill(django_apps, schema_editor)

    assert [Customer.objects.get(pk=c.pk).phone_normalized for c in customers] == ["+447700900348", "+441614960123", ""]


@pytest.mark.parametrize("region", ["gb", " DE "])
def test_the_phone_region_is_a_country_code_in_any_case(tmp_path, region):
    result = load_settings(tmp_path, DEBUG="true", PHONE_REGION=region)

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("region", ["UK", "England", "44", "XX"])
def test_an_unknown_phone_region_refuses_to_start(tmp_path, region):
    result = load_settings(tmp_path, DEBUG="true", PHONE_REGION=region)

    assert result.returncode != 0
    assert "PHONE_REGION must be a two-letter country code" in result.stderr
