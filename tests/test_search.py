"""Searching complaints: by reference, by customer, by text; always within what the user may see; index-backed."""

from __future__ import annotations

import pytest
from django.db import connection

from common.textsearch import fold
from customers.models import CustomerGroup
from customers.selectors import customer_search
from recovery.models import Complaint
from recovery.search import search_complaints
from recovery.selectors import complaints_visible_to
from tests.factories import OrganizationFactory, log_complaint
from tests.helpers.customers import new_customer
from tests.helpers.workflow import employee_complaint


@pytest.fixture
def complaints(alice, customer):
    """Three complaints with different customers and text."""
    return {
        "parcel": log_complaint(
            user=alice,
            customer=customer,
            summary="Parcel arrived two days late",
            description="Customer waited in all day twice.",
        ),
        "invoice": log_complaint(
            user=alice,
            customer=new_customer(name="Ivan Invoice", email="ivan@billing.test", phone="+44 161 555 0199"),
            summary="Charged twice for one invoice",
            description="The card statement shows two payments.",
        ),
        "percent": log_complaint(
            user=alice,
            customer=new_customer(name="100% Cotton_Ltd", email="orders@cotton.test", phone="0800 123"),
            summary="Wrong colour of shirts",
            description="Ordered blue, got green.",
        ),
    }


def found(complaints, q, queryset=None) -> set[str]:
    """Return the names of the complaints that `q` finds."""
    keys = set(
        search_complaints(queryset if queryset is not None else Complaint.objects.all(), q).values_list("pk", flat=True)
    )
    return {name for name, complaint in complaints.items() if complaint.pk in keys}


@pytest.mark.parametrize(
    "form", ["C-{pk:06d}", "c{pk}", "  C-{pk:06d}  ", "c-{pk:04d}", "#{pk}", "# {pk}", "#C-{pk:06d}"]
)
def test_a_reference_finds_its_complaint_however_it_is_typed(complaints, form):
    q = form.format(pk=complaints["invoice"].pk)

    assert found(complaints, q) == {"invoice"}


def test_a_bare_number_finds_the_complaint_with_that_key_and_phone_numbers_containing_it(complaints):
    q = str(complaints["invoice"].pk)
    phones = {name for name, complaint in complaints.items() if q in complaint.customer.phone}

    assert found(complaints, q) == {"invoice", *phones}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("carla", {"parcel"}),
        ("CARLA CUST", {"parcel"}),
        ("ivan@billing", {"invoice"}),
        ("billing.test", {"invoice"}),
        ("161 555", {"invoice"}),
        ("Cotton", {"percent"}),
    ],
)
def test_a_customers_name_email_or_phone_finds_their_complaints(complaints, q, expected):
    assert found(complaints, q) == expected


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("parcel", {"parcel"}),
        ("parcels arriving", {"parcel"}),  # English stemming: parcels → parcel, arriving → arriv
        ("waiting", {"parcel"}),  # from the description
        ("payment", {"invoice"}),
        ("twice", {"parcel", "invoice"}),
        ('"two payments"', {"invoice"}),  # a quoted phrase
        ("green -blue", set()),  # websearch syntax: without "blue"
        ("refund", set()),
    ],
)
def test_words_from_the_summary_or_description_find_the_complaint(complaints, q, expected):
    assert found(complaints, q) == expected


@pytest.mark.parametrize("q", ["%", "_", "\\", "0%"])
def test_like_wildcards_in_the_search_are_taken_literally(complaints, q):
    assert found(complaints, q) <= {"percent"}
    assert found(complaints, "100%") == {"percent"}


@pytest.mark.parametrize("q", ["", "   ", "\t\n"])
def test_a_blank_search_leaves_the_queryset_as_it_was(complaints, q):
    queryset = Complaint.objects.filter(pk=complaints["parcel"].pk)

    assert search_complaints(queryset, q) is queryset


@pytest.mark.parametrize(
    "q",
    [
        '"unterminated',
        "!!&|:*",
        "'); DROP TABLE recovery_complaint; --",
        "the a of",
        "-",
        "x" * 5000,
        "ünïcödé ✓",
        "nul\x00byte",
        "\x1b[31m",
    ],
)
def test_odd_input_is_searched_as_text_and_never_fails(complaints, q):
    assert found(complaints, q) == set()
    assert Complaint.objects.count() == len(complaints)


def test_search_only_narrows_the_queryset_it_is_given(alice, bob, complaints):
    hidden = employee_complaint(bob, email="eve@staff.test")
    complaints = {**complaints, "hidden": hidden}
    visible_to_alice = complaints_visible_to(alice)

    for q in (hidden.reference, "Eve Employee", "eve@staff.test", "shift swap"):
        assert found(complaints, q, visible_to_alice) == set(), q
        assert found(complaints, q) == {"hidden"}, q


@pytest.fixture
def worldwide(alice, complaints):
    """Complaints whose customers and text are typed with accents, in other cases and other formats."""
    quinlan = OrganizationFactory(name="Quinlan Wholesale")
    return {
        **complaints,
        "nunez": log_complaint(
            user=alice,
            customer=new_customer(name="Ana Núñez", email="ana@example.es", phone="+44 7700 900348"),
            summary="Wrong size of boots",
            description="",
        ),
        "cafe": log_complaint(
            user=alice,
            customer=new_customer(name="Bram Baker", email="bram@example.org", phone=""),
            summary="Café closed early",
            description="Señor Ruiz found the café shut at noon.",
        ),
        "quinlan": log_complaint(
            user=alice,
            customer=new_customer(name="Dan Dealer", group=CustomerGroup.DISTRIBUTOR, organization=quinlan, phone=""),
            summary="Pallet damaged",
            description="",
        ),
        "landline": log_complaint(
            user=alice,
            customer=new_customer(name="Lena Landline", phone="0161 496 0123"),
            summary="Phone line dropped",
            description="",
        ),
    }


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("nunez", {"nunez"}),
        ("NÚÑEZ", {"nunez"}),
        ("Ana Nunez", {"nunez"}),
        ("cafe", {"cafe"}),
        ("CAFÉ", {"cafe"}),
        ("senor ruiz", {"cafe"}),
    ],
)
def test_accents_and_case_do_not_matter(worldwide, q, expected):
    assert found(worldwide, q) == expected


@pytest.mark.parametrize("q", ["Quinlan Wholesale", "quinlan", "QUINLÁN WHOLE"])
def test_the_customers_organisation_finds_their_complaints(worldwide, q):
    assert found(worldwide, q) == {"quinlan"}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("07700 900348", {"nunez"}),
        ("07700900348", {"nunez"}),
        ("+44 7700 900348", {"nunez"}),
        ("447700900348", {"nunez"}),
        ("0044 7700 900348", {"nunez"}),
        ("+44 161 496 0123", {"landline"}),
        ("+441614960123", {"landline"}),
        ("(0161) 496-0123", {"landline"}),
    ],
)
def test_a_phone_number_finds_the_customer_in_national_or_international_format(worldwide, q, expected):
    assert found(worldwide, q) == expected


def test_the_search_indexes_exist(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE indexname LIKE %s OR indexname LIKE %s", ["%_trgm_idx", "%_fts_idx"]
        )
        names = {row[0] for row in cursor.fetchall()}

    assert names == {
        "complaint_text_fts_idx",
        "customer_name_unaccent_trgm_idx",
        "customer_email_trgm_idx",
        "customer_phone_trgm_idx",
        "organization_name_unaccent_trgm_idx",
    }


@pytest.mark.parametrize(
    ("q", "index"),
    [
        ("delivery late", "complaint_text_fts_idx"),
        ("café", "complaint_text_fts_idx"),
        ("Carla", "customer_name_unaccent_trgm_idx"),
        ("nunez", "customer_name_unaccent_trgm_idx"),
        ("carla@example", "customer_email_trgm_idx"),
        ("7946", "customer_phone_trgm_idx"),
        ("07700 900348", "customer_phone_normalized_idx"),
        ("Quinlan", "organization_name_unaccent_trgm_idx"),
        ("Quinlan", "customer_organization_id"),
    ],
)
def test_postgresql_can_answer_the_search_from_its_indexes(worldwide, alice, q, index):
    """With plain table and index scans priced out, the plan must name the index (the query matches its expression).

    On a table this small PostgreSQL would rather read everything; at scale it picks these indexes by itself.
    """
    for number in range(30):
        log_complaint(user=alice, customer=new_customer(group=CustomerGroup.SUPPLIER), summary=f"Filler {number}")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE recovery_complaint")
        cursor.execute("ANALYZE customers_customer")
        cursor.execute("ANALYZE customers_organization")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")

    plan = search_complaints(Complaint.objects.all(), q).explain()

    assert index in plan, plan


@pytest.mark.parametrize("text", ["CAFÉ", "Zoë", "NÚÑEZ", "Straße", "Søren", "Łódź", "Æsir", "Þór", "Đorđe", "ＡＢＣ"])
def test_postgresql_folds_text_as_the_embedded_database_does(db, text):
    """The same search finds the same customers in `make run` (SQLite, common.textsearch.fold) and in production."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT lower(caredesk_unaccent(%s))", [text])
        assert cursor.fetchone() == (fold(text),)


@pytest.mark.parametrize(
    ("q", "index"),
    [
        ("nunez", "customer_name_unaccent_trgm_idx"),
        ("ana@example", "customer_email_trgm_idx"),
        ("7700 900", "customer_phone_trgm_idx"),
        ("07700 900348", "customer_phone_normalized_idx"),
        ("Quinlan", "organization_name_unaccent_trgm_idx"),
        ("Quinlan", "customers_customer_organization_id"),
    ],
)
def test_postgresql_can_answer_the_customer_search_from_its_indexes(worldwide, q, index):
    """The customer list counts its matches with this query, and the picker's BitmapOr plan is the same."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE customers_customer")
        cursor.execute("ANALYZE customers_organization")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")

    plan = customer_search(text=q).order_by().explain()

    assert index in plan, plan
