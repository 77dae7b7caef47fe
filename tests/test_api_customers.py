"""The customers API: find, read (with the complaints the reader may see), add and correct customers.

The same rules as the customer screens, because the same forms validate and the same services and
selectors run underneath: the forms' messages per field (400), the services' refusals (422: a duplicate,
a front-line user moving someone into the employee group, an erased customer), confidential employee
complaints left out of what the front line sees, a retried add with the same Idempotency-Key answered
once, and a fixed number of queries whatever a page holds.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission

from customers.models import Customer, CustomerGroup, Organization
from customers.personal_data.erasure import CONFIRMATION_WORD, customer_erase
from tests.factories import CustomerFactory, OrganizationFactory, UserFactory, log_complaint
from tests.helpers.api import api_client, problem

pytestmark = pytest.mark.django_db

LIST = "/api/v1/customers/"


def detail_url(customer: Any) -> str:
    return f"{LIST}{customer.pk}/"


def names(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


def details(**fields: Any) -> dict[str, Any]:
    return {"name": "Nina New", "group": "end_user", "email": "nina@example.org", "phone": "", **fields}


# --- who may use it ------------------------------------------------------------------------------------------


def test_without_a_token_it_is_401_and_without_a_role_403(olivia: Any, customer: Any) -> None:
    for url in (LIST, detail_url(customer), f"{detail_url(customer)}complaints/"):
        assert problem(api_client().get(url), 401)["title"] == "Authentication needed"
        assert problem(api_client(olivia).get(url), 403)
    assert problem(api_client(olivia).post(LIST, details(), format="json"), 403)
    assert problem(api_client(olivia).patch(detail_url(customer), {"phone": "1"}, format="json"), 403)
    assert not Customer.objects.filter(name="Nina New").exists()


def test_someone_whose_role_lacks_the_customer_permissions_may_read_but_not_add_or_change(customer: Any) -> None:
    # An organisation's own group granting work on complaints, not the customers' permissions.
    group = Group.objects.create(name="Complaints only")
    group.permissions.add(Permission.objects.get(codename="work_complaint"))
    reader: Any = UserFactory(username="reader")
    reader.groups.add(group)
    client = api_client(reader)
    assert client.get(LIST).status_code == 200
    assert problem(client.post(LIST, details(), format="json"), 403)["detail"] == (
        "You do not have permission to add customers."
    )
    assert problem(client.patch(detail_url(customer), {"phone": "1"}, format="json"), 403)["detail"] == (
        "You do not have permission to change customers."
    )


# --- the list ----------------------------------------------------------------------------------------------


def test_the_list_searches_as_the_customer_screen_does(alice: Any) -> None:
    acme = OrganizationFactory(name="Acmé Widgets")
    CustomerFactory(name="Zoë Zander", email="zoe@example.org", phone="07700 900348")
    CustomerFactory(name="Yann Young", email="yann@shop.example", organization=acme)
    CustomerFactory(name="Xavier Xu", group=CustomerGroup.SUPPLIER)
    client = api_client(alice)

    assert names(client.get(LIST)) == ["Xavier Xu", "Yann Young", "Zoë Zander"]
    assert names(client.get(LIST, {"q": "zoe"})) == ["Zoë Zander"]  # accents and case folded
    assert names(client.get(LIST, {"q": "+44 7700 900348"})) == ["Zoë Zander"]  # the number in another format
    assert names(client.get(LIST, {"q": "acme"})) == ["Yann Young"]  # the organisation
    assert names(client.get(LIST, {"q": "SHOP.EXAMPLE"})) == ["Yann Young"]
    assert names(client.get(LIST, {"group": "supplier"})) == ["Xavier Xu"]
    assert names(client.get(LIST, {"q": "\x00 zoe"})) == ["Zoë Zander"]  # what cannot be searched for is dropped
    row = client.get(LIST, {"q": "yann"}).json()["results"][0]
    assert row["organization"] == "Acmé Widgets"
    assert row["url"].endswith(detail_url(Customer.objects.get(name="Yann Young")))
    assert row["complaints"] == {"total": 0, "open": 0, "repeats": 0}


def test_an_unknown_group_is_a_400_with_the_forms_message(alice: Any) -> None:
    body = problem(api_client(alice).get(LIST, {"group": "martians"}), 400)
    assert body["errors"] == {"group": ["Choose one of the five groups."]}


def test_the_list_pages_by_name_with_cursors(alice: Any) -> None:
    for name in ("Dora", "Abel", "Cleo", "Bea", "Eve"):
        CustomerFactory(name=name)
    client = api_client(alice)
    seen, url = [], f"{LIST}?page_size=2"
    while url:
        response = client.get(url)
        seen += names(response)
        url = response.json()["next"]
    assert seen == ["Abel", "Bea", "Cleo", "Dora", "Eve"]
    assert problem(client.get(LIST, {"page_size": 0}), 400)["errors"] == {
        "page_size": ["Ask for 1 to 100 rows a page."]
    }


def test_an_employee_is_listed_to_everyone_but_their_confidential_complaints_count_only_for_who_may_see_them(
    alice: Any, bob: Any, maria: Any, marks_complaint: Any
) -> None:
    for user, total in ((alice, 1), (maria, 1), (bob, 0)):
        rows = api_client(user).get(LIST, {"q": "Mark Manning"}).json()["results"]
        assert [row["name"] for row in rows] == ["Mark Manning"]
        assert rows[0]["group"] == "employee"
        assert rows[0]["complaints"]["total"] == total, user


# --- one customer -------------------------------------------------------------------------------------------


def test_the_detail_has_the_customers_totals_and_newest_complaints(alice: Any, customer: Any) -> None:
    older = log_complaint(user=alice, customer=customer, summary="First")
    newer = log_complaint(user=alice, customer=customer, summary="Second")
    body = api_client(alice).get(detail_url(customer)).json()
    assert body["name"] == "Carla Customer"
    assert body["email"] == "carla@example.org"
    assert body["figures"]["total"] == 2
    assert body["figures"]["open"] == 2
    assert body["complaints"]["total"] == 2
    assert [c["reference"] for c in body["recent_complaints"]] == [newer.reference, older.reference]
    assert body["complaints_may_be_hidden"] is False
    assert body["complaints_url"].endswith(f"{detail_url(customer)}complaints/")
    assert problem(api_client(alice).get(f"{LIST}999999/"), 404)


def test_a_front_line_colleague_reads_an_employee_but_not_their_confidential_complaint(
    alice: Any, bob: Any, maria: Any, marks_complaint: Any
) -> None:
    mark_as_customer = marks_complaint.customer
    bobs = api_client(bob).get(detail_url(mark_as_customer)).json()
    assert bobs["name"] == "Mark Manning"
    assert bobs["recent_complaints"] == []
    assert bobs["figures"]["total"] == 0
    assert bobs["complaints_may_be_hidden"] is True
    assert api_client(bob).get(f"{detail_url(mark_as_customer)}complaints/").json()["results"] == []

    for user in (alice, maria):  # the owner, and a manager
        body = api_client(user).get(detail_url(mark_as_customer)).json()
        assert [c["reference"] for c in body["recent_complaints"]] == [marks_complaint.reference]
        listed = api_client(user).get(f"{detail_url(mark_as_customer)}complaints/").json()["results"]
        assert [c["reference"] for c in listed] == [marks_complaint.reference]
    assert api_client(maria).get(detail_url(mark_as_customer)).json()["complaints_may_be_hidden"] is False


# --- adding a customer ---------------------------------------------------------------------------------------


def test_adding_a_customer_answers_201_with_its_address(alice: Any) -> None:
    OrganizationFactory(name="Acme Ltd")
    response = api_client(alice).post(
        LIST, details(email=" Nina@Example.ORG ", organization="ACME LTD", consents_to_contact=True), format="json"
    )
    assert response.status_code == 201, response.content
    created = Customer.objects.get(name="Nina New")
    assert response["Location"] == response.json()["url"]
    assert response["Location"].endswith(detail_url(created))
    body = response.json()
    assert body["email"] == "nina@example.org"  # stored as the service stores it
    assert body["organization"] == "Acme Ltd"  # the existing organisation, whatever its case
    assert Organization.objects.count() == 1
    assert body["consents_to_contact"] is True
    assert body["figures"]["total"] == 0
    assert body["recent_complaints"] == []
    assert created.created_by == alice


@pytest.mark.parametrize(
    ("sent", "errors"),
    [
        ({"name": ""}, {"name": ["Enter the customer's name."]}),
        ({"name": "\u200b  "}, {"name": ["Enter the customer's name."]}),
        ({"name": None}, {"name": ["This field may not be null."]}),
        ({"name": "N" * 201}, {"name": ["Keep this to 200 characters (this is 201)."]}),
        ({"name": "Nina\nNew"}, {"name": ["Keep this on one line."]}),
        (
            {"name": "Nina\x00"},
            {"name": ["Remove the invisible control characters from this text (they often come from a bad paste)."]},
        ),
        ({"group": "martians"}, {"group": ["Choose one of the five groups."]}),
        ({"email": "not an address"}, {"email": ["Enter an email address like name@example.org, or leave it empty."]}),
        ({"phone": "0770\n0900"}, {"phone": ["Keep this on one line."]}),
        ({"consents_to_contact": "perhaps"}, {"consents_to_contact": ["Must be a valid boolean."]}),
    ],
)
def test_a_field_the_form_refuses_is_a_400_with_its_message(alice: Any, sent: dict[str, Any], errors: Any) -> None:
    body = problem(api_client(alice).post(LIST, details(**sent), format="json"), 400)
    assert body["errors"] == errors
    assert not Customer.objects.exists()


def test_the_required_fields_are_named_with_the_forms_messages(alice: Any) -> None:
    body = problem(api_client(alice).post(LIST, {}, format="json"), 400)
    assert body["errors"] == {"name": ["Enter the customer's name."], "group": ["Choose one of the five groups."]}


def test_a_duplicate_is_refused_with_the_services_message_and_field_unless_allowed(alice: Any, customer: Any) -> None:
    client = api_client(alice)
    body = problem(client.post(LIST, details(email="CARLA@example.org"), format="json"), 422)
    assert body["detail"] == "Carla Customer already has this email address."
    assert body["field"] == "email"
    assert body["errors"] == {"email": ["Carla Customer already has this email address."]}
    assert body["existing_customer"] == customer.pk

    CustomerFactory(name="Pat Phone", email="", phone="07700 900348")
    body = problem(client.post(LIST, details(phone="+44 7700 900348"), format="json"), 422)
    assert (body["detail"], body["field"]) == ("Pat Phone already has this phone number.", "phone")
    assert not Customer.objects.filter(name="Nina New").exists()

    allowed = client.post(LIST, details(email="carla@example.org", allow_duplicate=True), format="json")
    assert allowed.status_code == 201, allowed.content
    assert Customer.objects.filter(email="carla@example.org").count() == 2


def test_a_retried_add_with_the_same_key_adds_one_customer_and_gives_the_same_answer(alice: Any) -> None:
    client = api_client(alice)
    first = client.post(LIST, details(), format="json", HTTP_IDEMPOTENCY_KEY="add-nina-1")
    again = client.post(LIST, details(), format="json", HTTP_IDEMPOTENCY_KEY="add-nina-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true"
    assert Customer.objects.filter(name="Nina New").count() == 1

    other = client.post(LIST, details(name="Someone Else"), format="json", HTTP_IDEMPOTENCY_KEY="add-nina-1")
    body = problem(other, 422)
    assert body["field"] == "Idempotency-Key"
    assert not Customer.objects.filter(name="Someone Else").exists()


def test_a_refused_add_is_not_kept_for_its_key(alice: Any, customer: Any) -> None:
    client = api_client(alice)
    refused = client.post(LIST, details(email="carla@example.org"), format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert refused.status_code == 422
    fixed = details(email="carla@example.org", allow_duplicate=True)
    # A different request with the same key: nothing was kept, so it runs.
    assert client.post(LIST, fixed, format="json", HTTP_IDEMPOTENCY_KEY="k2").status_code == 201


# --- correcting a customer ----------------------------------------------------------------------------------


def test_a_patch_changes_only_the_fields_sent(alice: Any, customer: Any) -> None:
    response = api_client(alice).patch(detail_url(customer), {"phone": " 020 7946 0999 "}, format="json")
    assert response.status_code == 200, response.content
    customer.refresh_from_db()
    assert customer.phone == "020 7946 0999"
    assert customer.name == "Carla Customer"
    assert customer.email == "carla@example.org"
    assert response.json()["phone"] == "020 7946 0999"


def test_a_patch_is_checked_by_the_edit_form(alice: Any, customer: Any) -> None:
    client = api_client(alice)
    assert problem(client.patch(detail_url(customer), {"name": ""}, format="json"), 400)["errors"] == {
        "name": ["Enter the customer's name."]
    }
    body = problem(client.patch(detail_url(customer), {"staff_user": alice.pk}, format="json"), 400)
    assert body["errors"] == {"staff_user": ["Only an employee can be linked to a staff account."]}
    body = problem(client.patch(detail_url(customer), {"staff_user": 999999}, format="json"), 400)
    assert body["errors"] == {"staff_user": ["Choose one of the colleagues listed."]}
    customer.refresh_from_db()
    assert customer.name == "Carla Customer"


def test_only_a_manager_moves_a_customer_into_the_employee_group(alice: Any, maria: Any, customer: Any) -> None:
    body = problem(api_client(alice).patch(detail_url(customer), {"group": "employee"}, format="json"), 422)
    assert body["detail"] == "Only a manager can change whether a customer is an employee or their staff account."
    assert body["field"] == "group"
    customer.refresh_from_db()
    assert customer.group == CustomerGroup.END_USER

    response = api_client(maria).patch(
        detail_url(customer), {"group": "employee", "staff_user": alice.pk}, format="json"
    )
    assert response.status_code == 200, response.content
    assert (response.json()["group"], response.json()["staff_user"]) == ("employee", alice.pk)


def test_only_a_manager_changes_an_employees_staff_account(alice: Any, bob: Any, marks_complaint: Any) -> None:
    mark_as_customer = marks_complaint.customer
    body = problem(api_client(alice).patch(detail_url(mark_as_customer), {"staff_user": bob.pk}, format="json"), 422)
    assert body["field"] == "staff_user"
    # A front-line colleague may still correct the rest.
    assert api_client(alice).patch(detail_url(mark_as_customer), {"phone": "123"}, format="json").status_code == 200


def test_an_erased_customer_can_no_longer_be_changed(alice: Any, maria: Any, customer: Any) -> None:
    customer_erase(customer=customer, user=maria, reason="Asked on 1 March", confirmation=CONFIRMATION_WORD)
    body = problem(api_client(alice).patch(detail_url(customer), {"name": "Carla Again"}, format="json"), 422)
    assert body["detail"] == "This customer's personal data was erased; their record can no longer be changed."
    customer.refresh_from_db()
    assert customer.name != "Carla Again"
    assert api_client(alice).get(detail_url(customer)).json()["erased_at"] is not None


def test_patching_an_unknown_customer_is_404(alice: Any) -> None:
    assert problem(api_client(alice).patch(f"{LIST}999999/", {"phone": "1"}, format="json"), 404)


# --- a fixed number of queries -----------------------------------------------------------------------------

# The token (and the user with it), the user's permissions (two: the role checks), the page of customers,
# their complaint counts.
LIST_QUERIES = 5
# The token, the permissions (two), the customer, their figures (two), their newest complaints.
DETAIL_QUERIES = 7
# The token, the permissions (two), the customer, the page of their complaints.
COMPLAINTS_QUERIES = 5


def test_the_list_costs_the_same_queries_for_1_and_50_customers(
    alice: Any, bob: Any, django_assert_num_queries: Any
) -> None:
    first: Any = CustomerFactory(name="Customer 00")
    log_complaint(user=alice, customer=first)
    client = api_client(bob)
    client.get(LIST)  # the token's last use is noted once; then the count is the steady one
    with django_assert_num_queries(LIST_QUERIES):
        assert len(names(client.get(f"{LIST}?page_size=100"))) == 1
    for number in range(1, 50):
        customer: Any = CustomerFactory(name=f"Customer {number:02}")
        log_complaint(user=alice, customer=customer)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(f"{LIST}?page_size=100")
    assert len(names(response)) == 50
    assert all(row["complaints"]["total"] == 1 for row in response.json()["results"])
    with django_assert_num_queries(LIST_QUERIES):
        assert len(names(client.get(f"{LIST}?page_size=100&q=customer&group=end_user"))) == 50


def test_the_detail_costs_the_same_queries_for_1_and_50_complaints(
    alice: Any, customer: Any, django_assert_num_queries: Any
) -> None:
    log_complaint(user=alice, customer=customer)
    client = api_client(alice)
    client.get(detail_url(customer))
    with django_assert_num_queries(DETAIL_QUERIES):
        assert len(client.get(detail_url(customer)).json()["recent_complaints"]) == 1
    with django_assert_num_queries(COMPLAINTS_QUERIES):
        assert len(client.get(f"{detail_url(customer)}complaints/").json()["results"]) == 1
    for _ in range(49):
        log_complaint(user=alice, customer=customer)
    with django_assert_num_queries(DETAIL_QUERIES):
        body = client.get(detail_url(customer)).json()
    assert len(body["recent_complaints"]) == 25
    assert body["figures"]["total"] == 50
    with django_assert_num_queries(COMPLAINTS_QUERIES):
        assert len(client.get(f"{detail_url(customer)}complaints/?page_size=100").json()["results"]) == 50
