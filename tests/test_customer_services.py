"""Writing customers and organisations: clean input stored, bad input refused with nothing stored."""

from __future__ import annotations

from typing import Any

import pytest

from common.errors import DomainError
from customers.models import Customer, CustomerGroup, Organization
from customers.services import DuplicateCustomerError, customer_create, customer_update, organization_get_or_create
from tests.factories import CustomerFactory, OrganizationFactory, front_line_user

CONTROL = "Remove the invisible control characters from this text"


def stored_customers() -> list[Any]:
    return list(Customer.objects.order_by("pk").values())


def assert_refused(call: Any, *, match: str, field: str | None) -> None:
    """Check `call` is refused with `match` on `field`, and that no customer or organisation changed."""
    before = (stored_customers(), list(Organization.objects.values()))
    with pytest.raises(DomainError) as caught:
        call()
    assert match in caught.value.message
    assert caught.value.field == field
    assert (stored_customers(), list(Organization.objects.values())) == before


def without_a_role(request, persona: str) -> Any:
    """Return the outsider, a deactivated colleague, or no account at all."""
    if persona == "olivia":
        return request.getfixturevalue("olivia")
    return front_line_user(username="gone", is_active=False) if persona == "inactive" else None


def with_people(request, changes: dict[str, Any]) -> dict[str, Any]:
    """Replace a persona's name in the case tables with the persona."""
    return {key: request.getfixturevalue(v) if v == "bob" else v for key, v in changes.items()}


def create(user: Any, **changes: Any) -> Customer:
    fields: dict[str, Any] = {"name": "Carla Customer", "group": CustomerGroup.END_USER, **changes}
    return customer_create(user=user, **fields)


# --- creating -----------------------------------------------------------------------------------


@pytest.mark.parametrize("group", CustomerGroup.values)
@pytest.mark.parametrize("persona", ["alice", "maria"])
def test_staff_can_add_a_customer_in_each_group(request, persona, group):
    user = request.getfixturevalue(persona)

    customer = create(
        user, name="  Carla Customer ", email=" Carla@Example.ORG ", phone=" +44 20 7946 0000 ", group=group
    )

    stored = Customer.objects.get(pk=customer.pk)
    assert (stored.name, stored.email, stored.phone, stored.group) == (
        "Carla Customer",
        "carla@example.org",
        "+44 20 7946 0000",
        group,
    )
    assert stored.created_by == user
    assert stored.is_internal == (group == CustomerGroup.EMPLOYEE)


def test_a_customer_can_belong_to_an_organisation_and_consent_to_contact(alice):
    acme: Any = OrganizationFactory(name="Acme Distribution")

    customer = create(alice, group=CustomerGroup.DISTRIBUTOR, organization=acme, consents_to_contact=True)

    stored = Customer.objects.get(pk=customer.pk)
    assert (stored.organization, stored.consents_to_contact) == (acme, True)


@pytest.mark.parametrize(("email", "stored_email"), [("", ""), (None, ""), ("   ", "")])
def test_a_customer_may_have_no_email_address(alice, email, stored_email):
    customer = create(alice, email=email)

    assert Customer.objects.get(pk=customer.pk).email == stored_email


def test_an_employee_can_be_linked_to_their_staff_account(alice, bob):
    customer = create(alice, group=CustomerGroup.EMPLOYEE, staff_user=bob)

    assert Customer.objects.get(pk=customer.pk).staff_user == bob


BAD_CUSTOMERS = [
    ({"name": ""}, "name", "Enter the customer's name."),
    ({"name": "   "}, "name", "Enter the customer's name."),
    ({"name": None}, "name", "Enter the customer's name."),
    ({"name": "x" * 201}, "name", "at most 200 characters"),
    ({"name": "Carla\x00Customer"}, "name", CONTROL),
    ({"name": "Carla\x1b[2J"}, "name", CONTROL),
    ({"group": "vip"}, "group", "Choose one of the five customer groups."),
    ({"group": ""}, "group", "Choose one of the five customer groups."),
    ({"group": None}, "group", "Choose one of the five customer groups."),
    ({"group": "EMPLOYEE"}, "group", "Choose one of the five customer groups."),
    ({"email": "not-an-email"}, "email", "Enter a valid email address."),
    ({"email": "carla@exa\x00mple.org"}, "email", "Enter a valid email address."),
    ({"email": "c" * 250 + "@example.org"}, "email", "at most 254 characters"),
    ({"phone": "0800\x07 123"}, "phone", CONTROL),
    ({"phone": "1" * 41}, "phone", "at most 40 characters"),
    ({"consents_to_contact": None}, "consents_to_contact", "must be either True or False"),
    ({"staff_user": "bob"}, None, "Only an employee can be linked to a staff account."),
]


@pytest.mark.parametrize(("changes", "field", "message"), BAD_CUSTOMERS)
def test_adding_a_customer_with_bad_input_is_refused_and_stores_nothing(request, alice, changes, field, message):
    changes = with_people(request, changes)

    assert_refused(lambda: create(alice, **changes), match=message, field=field)


@pytest.mark.parametrize("persona", ["olivia", "inactive", "nobody"])
def test_people_without_a_role_cannot_add_customers(request, starter_data, persona):
    user = without_a_role(request, persona)

    assert_refused(lambda: create(user), match="You do not have permission to add customers.", field=None)


# --- changing -----------------------------------------------------------------------------------


def test_changing_a_customer_stores_the_cleaned_values(alice, customer):
    acme: Any = OrganizationFactory(name="Acme")

    result = customer_update(
        customer=customer,
        user=alice,
        name=" Carla Smith ",
        email=" CARLA.SMITH@Example.org",
        group=CustomerGroup.SUPPLIER,
        organization=acme,
        consents_to_contact=False,
    )

    stored = Customer.objects.get(pk=customer.pk)
    assert (stored.name, stored.email, stored.group, stored.organization, stored.consents_to_contact) == (
        "Carla Smith",
        "carla.smith@example.org",
        CustomerGroup.SUPPLIER,
        acme,
        False,
    )
    assert result.name == "Carla Smith"


def test_changing_one_field_leaves_the_others_alone(alice, customer):
    before = Customer.objects.filter(pk=customer.pk).values().get()

    customer_update(customer=customer, user=alice, phone="+44 161 496 0000")

    # The normalised number follows the phone (it is derived from it); nothing else changes.
    assert Customer.objects.filter(pk=customer.pk).values().get() == {
        **before,
        "phone": "+44 161 496 0000",
        "phone_normalized": "+441614960000",
    }


@pytest.mark.parametrize(("changes", "field", "message"), BAD_CUSTOMERS)
def test_changing_a_customer_to_bad_values_is_refused_and_changes_nothing(
    request, alice, customer, changes, field, message
):
    changes = with_people(request, changes)

    assert_refused(lambda: customer_update(customer=customer, user=alice, **changes), match=message, field=field)


@pytest.mark.parametrize("field", ["created_by", "created_at", "id", "pk", "is_internal"])
def test_only_a_customers_details_can_be_changed(alice, customer, field):
    assert_refused(
        lambda: customer_update(customer=customer, user=alice, name="Someone else", **{field: None}),
        match=f"These customer fields cannot be changed: {field}.",
        field=None,
    )


def test_an_employee_linked_to_a_staff_account_cannot_become_an_external_customer(alice, bob, maria):
    colleague: Any = CustomerFactory(group=CustomerGroup.EMPLOYEE, staff_user=bob)

    assert_refused(
        lambda: customer_update(customer=colleague, user=alice, group=CustomerGroup.END_USER),
        match="Only an employee can be linked to a staff account.",
        field=None,
    )
    customer_update(customer=colleague, user=maria, group=CustomerGroup.END_USER, staff_user=None)
    assert Customer.objects.get(pk=colleague.pk).group == CustomerGroup.END_USER


@pytest.mark.parametrize("persona", ["olivia", "inactive", "nobody"])
def test_people_without_a_role_cannot_change_customers(request, customer, persona):
    user = without_a_role(request, persona)

    assert_refused(
        lambda: customer_update(customer=customer, user=user, name="Hacked"),
        match="You do not have permission to change customers.",
        field=None,
    )


def test_changing_a_deleted_customer_is_refused(alice, customer):
    customer.delete()

    assert_refused(
        lambda: customer_update(customer=customer, user=alice, name="Ghost"),
        match="This customer no longer exists.",
        field=None,
    )


# --- organisations ---------------------------------------------------------------------------------


def test_a_new_organisation_is_created_with_its_name_trimmed(db):
    organization = organization_get_or_create(name="  Acme Distribution ")

    assert Organization.objects.get(pk=organization.pk).name == "Acme Distribution"


@pytest.mark.parametrize("spelling", ["Acme Distribution", "ACME DISTRIBUTION", " acme distribution "])
def test_an_existing_organisation_is_found_whatever_the_case(db, spelling):
    existing: Any = OrganizationFactory(name="Acme Distribution")

    assert organization_get_or_create(name=spelling) == existing
    assert Organization.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Enter the organisation's name."),
        ("   ", "Enter the organisation's name."),
        (None, "Enter the organisation's name."),
        ("A" * 201, "at most 200 characters"),
        ("Acme\x00Ltd", CONTROL),
        ("Acme\x7fLtd", CONTROL),
    ],
)
def test_a_bad_organisation_name_is_refused_and_stores_nothing(db, name, message):
    assert_refused(lambda: organization_get_or_create(name=name), match=message, field="organization")


@pytest.mark.parametrize(
    ("start", "changes"),
    [
        ({"group": CustomerGroup.END_USER}, {"group": CustomerGroup.EMPLOYEE}),
        ({"group": CustomerGroup.EMPLOYEE}, {"group": CustomerGroup.SUPPLIER}),
        ({"group": CustomerGroup.EMPLOYEE}, {"staff_user": "bob"}),
    ],
)
def test_only_managers_change_whether_a_customer_is_internal(alice, bob, maria, start, changes):
    customer = CustomerFactory.create(**start)
    resolved = {k: (bob if v == "bob" else v) for k, v in changes.items()}
    with pytest.raises(DomainError, match="Only a manager"):
        customer_update(customer=customer, user=alice, **resolved)
    customer.refresh_from_db()
    assert customer.group == start["group"]
    assert customer.staff_user_id is None
    updated = customer_update(customer=customer, user=maria, **resolved)
    for field, value in resolved.items():
        assert getattr(updated, field) == value


# --- phone numbers and duplicates ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phone", "normalized"),
    [
        ("07700 900348", "+447700900348"),
        ("+44 7700 900348", "+447700900348"),
        ("(0161) 496-0123", "+441614960123"),
        ("0033 1 23 45 67 89", "+33123456789"),
        ("0161 496 0123 ext. 12", "+441614960123"),
        ("ext. 4711", "4711"),
        ("", ""),
    ],
)
def test_the_phone_number_is_kept_in_international_form_for_search(alice, phone, normalized):
    customer = create(alice, phone=phone)

    assert Customer.objects.get(pk=customer.pk).phone_normalized == normalized
    assert Customer.objects.get(pk=customer.pk).phone == phone


def test_changing_the_phone_number_changes_its_international_form(alice, customer):
    customer_update(customer=customer, user=alice, phone="07700 900999")

    assert Customer.objects.get(pk=customer.pk).phone_normalized == "+447700900999"


def test_national_numbers_are_read_in_the_configured_region(alice, settings):
    settings.PHONE_REGION = "FR"

    customer = create(alice, phone="01 23 45 67 89")

    assert Customer.objects.get(pk=customer.pk).phone_normalized == "+33123456789"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": "CARLA@example.org"}, "email", "Carla Customer already has this email address."),
        ({"phone": "020 7946 0000"}, "phone", "Carla Customer already has this phone number."),
        ({"phone": "+44 (20) 7946-0000", "email": "other@example.org"}, "phone", "Carla Customer already has"),
    ],
)
def test_a_customer_with_the_same_email_or_phone_is_not_added_twice(alice, customer, changes, field, message):
    with pytest.raises(DuplicateCustomerError) as caught:
        create(alice, name="Carla C.", **changes)

    assert (caught.value.field, caught.value.existing) == (field, customer)
    assert message in caught.value.message
    assert list(Customer.objects.all()) == [customer]


def test_a_different_person_with_the_same_details_is_added_when_confirmed(alice, customer):
    added = create(alice, name="Carlos Customer", email=customer.email, phone=customer.phone, allow_duplicate=True)

    assert Customer.objects.count() == 2
    assert (added.email, added.phone) == (customer.email, customer.phone)


def test_extensions_and_short_numbers_do_not_make_a_duplicate(alice):
    create(alice, name="Eve Employee", phone="ext. 4711", email="")

    create(alice, name="Evan Employee", phone="ext. 4711", email="")

    assert Customer.objects.count() == 2
