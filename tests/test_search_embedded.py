"""Search on SQLite, the embedded database `make run` uses: case and accents beyond ASCII, organisations, phones.

SQLite's LIKE and lower() fold ASCII only, so these tests must run on SQLite itself, not on
PostgreSQL pretending. For this module the default database is a migrated SQLite file (the
same migrations `make run` applies); the real services, selectors and views run on it, and
each test rolls back as usual. The PostgreSQL test database is put back afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, connections
from django.urls import reverse

from common.textsearch import fold
from customers.models import Customer, CustomerGroup
from customers.selectors import customer_picker, customer_search
from customers.services import customer_create, organization_get_or_create
from recovery.models import Complaint
from recovery.search import search_complaints
from tests.factories import log_complaint

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(scope="module", autouse=True)
def sqlite_default(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[None]:
    """Make the default database a freshly migrated SQLite file for this module, then restore PostgreSQL."""
    path: Path = tmp_path_factory.mktemp("embedded") / "caredesk.sqlite3"
    saved_settings = connections.settings["default"]
    saved_connection = connections["default"]
    embedded = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path), "OPTIONS": {"timeout": 20}}
    connections.settings["default"] = connections.configure_settings({"default": embedded})["default"]
    del connections["default"]
    # Content types are cached per database alias; SQLite numbers them differently.
    ContentType.objects.clear_cache()
    try:
        with django_db_blocker.unblock():
            call_command("migrate", verbosity=0)
        assert connection.vendor == "sqlite"
        yield
    finally:
        with django_db_blocker.unblock():
            connections["default"].close()
        connections.settings["default"] = saved_settings
        connections["default"] = saved_connection
        ContentType.objects.clear_cache()


@pytest.fixture
def world(alice: Any) -> dict[str, Complaint]:
    """Complaints whose customers and text need more than ASCII folding to be found."""
    quinlan = organization_get_or_create(name="Quinlan Wholesale")

    def customer(**fields: Any) -> Customer:
        return customer_create(user=alice, group=CustomerGroup.END_USER, **fields)

    return {
        "cafe": log_complaint(
            user=alice,
            customer=customer(name="Bram Baker", email="bram@example.org"),
            summary="Café closed early",
            description="The café shut at noon.",
        ),
        "zoe": log_complaint(user=alice, customer=customer(name="Zoë Zimmer"), summary="Lost parcel"),
        "nunez": log_complaint(
            user=alice, customer=customer(name="Ana Núñez", phone="+44 7700 900348"), summary="Wrong size"
        ),
        "quinlan": log_complaint(
            user=alice,
            customer=customer_create(
                user=alice, name="Dan Dealer", group=CustomerGroup.DISTRIBUTOR, organization=quinlan
            ),
            summary="Pallet damaged",
        ),
    }


def found(world: dict[str, Complaint], q: str) -> set[str]:
    keys = set(search_complaints(Complaint.objects.all(), q).values_list("pk", flat=True))
    return {name for name, complaint in world.items() if complaint.pk in keys}


def test_the_default_database_is_sqlite_for_these_tests(db):
    assert connection.vendor == "sqlite"


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("café", {"cafe"}),
        ("CAFÉ", {"cafe"}),
        ("Café Closed", {"cafe"}),
        ("zoë", {"zoe"}),
        ("ZOË", {"zoe"}),
        ("NÚÑEZ", {"nunez"}),
    ],
)
def test_complaint_search_ignores_case_beyond_ascii(world, q, expected):
    assert found(world, q) == expected


@pytest.mark.parametrize(
    ("q", "expected"), [("cafe", {"cafe"}), ("CAFE", {"cafe"}), ("nunez", {"nunez"}), ("Zoe", {"zoe"})]
)
def test_complaint_search_ignores_accents(world, q, expected):
    assert found(world, q) == expected


@pytest.mark.parametrize("q", ["Quinlan Wholesale", "quinlan", "QUINLÁN"])
def test_complaint_search_finds_the_customers_organisation(world, q):
    assert found(world, q) == {"quinlan"}


@pytest.mark.parametrize("q", ["07700 900348", "07700900348", "+44 7700 900348", "447700900348", "900348"])
def test_complaint_search_finds_a_phone_number_however_it_is_typed(world, q):
    assert found(world, q) == {"nunez"}


@pytest.mark.parametrize("form", ["#{pk}", "# {pk}", "#C-{pk:06d}", "C-{pk:06d}", "{pk}"])
def test_complaint_search_finds_a_reference_with_a_hash(world, form):
    assert "zoe" in found(world, form.format(pk=world["zoe"].pk))


def test_the_complaint_list_page_searches_with_non_ascii_case(client, maria, world):
    client.force_login(maria)

    html = client.get(reverse("recovery:complaint_list"), {"q": "CAFÉ"}).content.decode()

    assert re.findall(r'class="reference"[^>]*>(C-\d+)<', html) == [world["cafe"].reference]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("ZOË", {"Zoë Zimmer"}),
        ("zoe", {"Zoë Zimmer"}),
        ("nunez", {"Ana Núñez"}),
        ("NÚÑEZ", {"Ana Núñez"}),
        ("quinlán wholesale", {"Dan Dealer"}),
        ("07700 900348", {"Ana Núñez"}),
        ("BRAM@EXAMPLE.ORG", {"Bram Baker"}),
    ],
)
def test_customer_search_ignores_case_and_accents_and_reads_phone_numbers(world, q, expected):
    assert {c.name for c in customer_search(text=q)} == expected
    assert {c.name for c in customer_picker(q).customers} == expected


def test_the_picker_finds_the_existing_customer_instead_of_offering_a_new_one(client, alice, world):
    client.force_login(alice)

    html = client.get(reverse("customers:customer_search"), {"q": "NUNEZ"}, **HTMX).content.decode()

    assert re.findall(r'data-pick-customer="(\d+)"', html) == [str(world["nunez"].customer_id)]
    assert "Add them as a new customer" not in html


def test_like_wildcards_are_taken_literally(world):
    assert found(world, "%") == set()
    assert found(world, "_") == set()
    assert {c.name for c in customer_search(text="%")} == set()


FOLDED = [
    ("CAFÉ", "cafe"),
    ("Zoë", "zoe"),
    ("NÚÑEZ", "nunez"),
    ("Straße", "strasse"),
    ("Søren", "soren"),
    ("Łódź", "lodz"),
    ("Æsir", "aesir"),
    ("Þór", "thor"),
    ("Đorđe", "dorde"),
    ("ＡＢＣ", "abc"),
]


@pytest.mark.parametrize(("text", "folded"), FOLDED)
def test_every_new_sqlite_connection_folds_case_and_accents(db, text, folded):
    with connection.cursor() as cursor:
        cursor.execute("SELECT caredesk_fold(%s), caredesk_fold(NULL), caredesk_fold(12)", [text])
        assert cursor.fetchone() == (folded, None, 12)
    assert fold(text) == folded
