"""The service policy's screens: reading it, its versions, publishing (managers), who has read it, the banner."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from policy import selectors
from policy.bootstrap import ensure_first_version
from policy.models import PolicyAcknowledgement, PolicyVersion
from policy.services import policy_acknowledge, policy_publish
from tests.helpers.pages import HTMX, assert_error_next_to
from tests.xss import DANGEROUS, PAYLOADS, assert_shown_escaped

BANNER = 'id="policy-banner"'


@pytest.fixture(autouse=True)
def first_policy(db: None) -> None:
    """Version 1 of the policy, as the data migration makes it (a transactional test before may have flushed it)."""
    ensure_first_version(apps)


def version_1() -> PolicyVersion:
    return PolicyVersion.objects.get(number=1)


def publish(user: Any, **changes: Any) -> PolicyVersion:
    arguments: dict[str, Any] = {
        "title": "Our customer-service policy",
        "body": "## Listening\n\nHear the customer out **first**.",
        "change_summary": "The limit goes up to 75 after a good year.",
        "empowerment_limit": "75",
    }
    arguments.update(changes)
    return policy_publish(user=user, **arguments)


def page(client: Any, name: str, *args: Any) -> str:
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


# --- who may open what -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "args"), [("policy:publish", ()), ("policy:acknowledgements", (1,))], ids=["publish", "readers"]
)
def test_front_line_get_403_from_the_managers_pages(client, alice, name, args):
    client.force_login(alice)

    assert client.get(reverse(name, args=args)).status_code == 403
    assert client.post(reverse(name, args=args), {"title": "Mine now"}).status_code in (403, 405)
    assert PolicyVersion.objects.count() == 1


@pytest.mark.parametrize("name", ["policy:current", "policy:versions"])
def test_front_line_never_see_the_managers_buttons(client, alice, name):
    client.force_login(alice)
    html = page(client, name)

    assert reverse("policy:publish") not in html
    assert reverse("policy:acknowledgements", args=[1]) not in html
    assert "Publish a new version" not in html


def test_managers_see_the_buttons(client, maria):
    client.force_login(maria)
    html = page(client, "policy:current")

    assert reverse("policy:publish") in html
    assert reverse("policy:acknowledgements", args=[1]) in html


def test_someone_without_a_role_may_not_read_it(client, olivia):
    client.force_login(olivia)

    assert client.get(reverse("policy:current")).status_code == 403
    assert client.post(reverse("policy:acknowledge", args=[1])).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    response = client.get(reverse("policy:current"))

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


# --- reading ---------------------------------------------------------------------------------


def test_the_current_policy_shows_its_text_as_html_its_limit_and_the_version(client, alice):
    client.force_login(alice)
    html = page(client, "policy:current")

    assert "<h2>Who the customer is</h2>" in html
    assert "£50.00" in html
    assert "Version 1 (in force)" in html
    assert "by CareDesk" in html


def test_an_old_version_stays_readable_and_says_which_is_in_force(client, alice, maria):
    publish(maria)
    client.force_login(alice)

    html = page(client, "policy:version", 1)

    assert "<h2>Who the customer is</h2>" in html
    assert "This is an earlier version" in html
    assert reverse("policy:current") in html
    assert "I have read it</button>" not in re.sub(r'<section id="policy-banner".*?</section>', "", html, flags=re.S)


def test_the_versions_list_shows_every_version_with_what_changed(client, alice, maria):
    publish(maria)
    client.force_login(alice)

    html = page(client, "policy:versions")

    assert "The limit goes up to 75 after a good year." in html
    assert "First version, as CareDesk ships it." in html
    assert html.index(reverse("policy:version", args=[2])) < html.index(reverse("policy:version", args=[1]))


def test_a_version_that_does_not_exist_is_404(client, alice):
    client.force_login(alice)

    assert client.get(reverse("policy:version", args=[9])).status_code == 404


# --- acknowledging ---------------------------------------------------------------------------


def test_i_have_read_it_records_it_once_however_often_it_is_sent(client, alice):
    client.force_login(alice)
    url = reverse("policy:acknowledge", args=[1])

    first = client.post(url, {"next": reverse("recovery:my_queue")})
    second = client.post(url, {"next": reverse("recovery:my_queue")})

    assert first.status_code == second.status_code == 302
    assert first["Location"] == reverse("recovery:my_queue")  # back to the same page
    assert PolicyAcknowledgement.objects.filter(user=alice, version=version_1()).count() == 1


def test_i_have_read_it_never_sends_anyone_to_another_site(client, alice):
    client.force_login(alice)

    response = client.post(reverse("policy:acknowledge", args=[1]), {"next": "https://evil.example/"})

    assert response["Location"] == reverse("policy:version", args=[1])


def test_i_have_read_it_with_htmx_swaps_the_banner_for_thanks(client, alice):
    client.force_login(alice)

    response = client.post(reverse("policy:acknowledge", args=[1]), {"next": "/queue/"}, **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert BANNER in html
    assert 'role="status"' in html
    assert "Thank you: you have read version 1" in html
    assert PolicyAcknowledgement.objects.filter(user=alice).count() == 1


def test_i_have_read_it_must_be_posted(client, alice):
    client.force_login(alice)

    assert client.get(reverse("policy:acknowledge", args=[1])).status_code == 405
    assert not PolicyAcknowledgement.objects.exists()


def test_the_banner_shows_on_every_page_until_read_then_a_new_version_brings_it_back(client, alice, maria, customer):
    client.force_login(alice)
    pages = ["recovery:my_queue", "recovery:complaint_list", "customers:customer_list", "policy:versions"]
    for name in pages:
        html = page(client, name)
        assert BANNER in html, name
        assert 'role="region" aria-label="New service policy"' in html
        assert reverse("policy:version", args=[1]) in html  # a link to read it
        assert 'name="csrfmiddlewaretoken"' in html

    client.post(reverse("policy:acknowledge", args=[1]), {"next": "/queue/"})
    for name in pages:
        assert BANNER not in page(client, name), name

    publish(maria)
    html = page(client, "recovery:my_queue")
    assert BANNER in html
    assert "version 2" in html
    assert PolicyAcknowledgement.objects.filter(user=alice, version=version_1()).exists()  # kept


def test_the_policy_page_asks_itself_instead_of_the_banner(client, alice):
    client.force_login(alice)

    html = page(client, "policy:current")

    assert BANNER not in html
    assert "I have read it</button>" in html
    client.post(reverse("policy:acknowledge", args=[1]))
    assert "You confirmed you read this version on" in page(client, "policy:current")


def test_no_banner_for_someone_without_a_role(client, olivia):
    client.force_login(olivia)

    assert BANNER not in client.get(reverse("recovery:my_queue")).content.decode()


# --- managers: who has read it, publishing -----------------------------------------------------


def test_managers_see_who_has_read_a_version_with_the_time_and_who_has_not(client, alice, bob, maria):
    policy_acknowledge(user=bob, version=version_1())
    client.force_login(maria)

    html = page(client, "policy:acknowledgements", 1)

    have = html[html.index('id="have-heading"') : html.index('id="have-not-heading"')]
    have_not = html[html.index('id="have-not-heading"') :]
    assert "Bob Baker" in have
    assert "<time" in have
    assert "Alice Archer" in have_not
    assert "Maria Moreno" in have_not
    assert "Bob Baker" not in have_not


def test_the_publish_form_starts_from_the_version_in_force(client, maria):
    client.force_login(maria)

    html = page(client, "policy:publish")

    assert escape("Our customer-service policy") in html
    assert "Who the customer is" in html
    assert 'value="50.00"' in html
    assert 'name="expected_current" value="1"' in html


def test_publishing_puts_the_new_version_in_force_and_shows_who_has_read_it(client, maria):
    client.force_login(maria)
    data = {
        "title": "Our policy",
        "body": "Be kind.",
        "change_summary": "Shorter.",
        "empowerment_limit": "40",
        "expected_current": "1",
    }

    response = client.post(reverse("policy:publish"), data)

    assert response.status_code == 302
    assert response["Location"] == reverse("policy:acknowledgements", args=[2])
    assert selectors.empowerment_limit() == 40


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "Give the policy a title."),
        ("body", "   ", "Write the policy: its text cannot be empty."),
        ("change_summary", "", "Say in a line what changed."),
        ("empowerment_limit", "-5", "The empowerment limit cannot be negative."),
        ("empowerment_limit", "a lot", "Enter the empowerment limit as an amount, like 50 or 49.99."),
    ],
)
def test_bad_input_reshows_the_form_with_the_message_and_keeps_what_was_typed(client, maria, field, value, message):
    client.force_login(maria)
    data = {
        "title": "Our kinder policy",
        "body": "Typed with care: **listen** first.",
        "change_summary": "Kinder words.",
        "empowerment_limit": "60",
        "expected_current": "1",
        field: value,
    }

    response = client.post(reverse("policy:publish"), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert_error_next_to(html, field, message)
    for name, typed in data.items():
        if name != field and name != "expected_current":
            assert escape(typed) in html, name
    assert PolicyVersion.objects.count() == 1


def test_a_version_published_meanwhile_reshows_the_form_with_what_was_typed(client, maria, mark):
    publish(mark)
    client.force_login(maria)
    data = {"title": "Mine", "body": "My words.", "change_summary": "Mine.", "empowerment_limit": "60"}

    response = client.post(reverse("policy:publish"), {**data, "expected_current": "1"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Version 2 was published while you were writing this one." in html
    assert "My words." in html
    assert PolicyVersion.objects.count() == 2


# --- hostile text ------------------------------------------------------------------------------


# Markdown's own ways in, beside tests/xss.py's payloads (common.markdown's tests hold the full corpus).
HOSTILE_MARKDOWN = [
    "[click](javascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![pic](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '<a href="#" onclick="alert(1)">click</a>',
    "<svg onload=alert(1)><circle r=1 /></svg>",
    '[ref]\n\n[ref]: javascript:alert(1) "title"',
]


def test_markdown_with_scripts_and_hostile_links_renders_harmless_on_the_policy_page(client, maria):
    body = "\n\n".join([*PAYLOADS, *HOSTILE_MARKDOWN])
    version = publish(maria, title=PAYLOADS[0], body=body, change_summary=PAYLOADS[1])
    client.force_login(maria)

    for name, args in [("policy:version", (version.number,)), ("policy:current", ()), ("policy:versions", ())]:
        html = page(client, name, *args)
        # The title and what changed are plain text; the body is Markdown, so quotes in it stay quotes (in
        # text, where they do nothing): what matters is that none of it becomes markup.
        assert_shown_escaped(html, PAYLOADS[0])
        for fragment in DANGEROUS:
            assert fragment not in html, (name, fragment)
        assert not re.search(r"<[^>]+(?:href|src)=[\"']?\s*(?:javascript|data|vbscript):", html, re.I), name
        assert not re.search(r"<[^>]+\son[a-z]+=", html, re.I), name
    article = re.search(r'<article class="policy-text"[^>]*>(.*?)</article>', page(client, "policy:current"), re.S)
    assert article is not None
    tags = set(re.findall(r"<([a-z0-9]+)", article.group(1)))
    assert tags <= {"p", "a", "h2", "h3", "h4", "strong", "em", "code", "pre", "ul", "ol", "li", "blockquote"}, tags
    assert "&lt;script&gt;" in article.group(1)  # shown as the characters typed
    assert_shown_escaped(page(client, "policy:current"), PAYLOADS[1])  # what changed


# --- queries -----------------------------------------------------------------------------------


def many_versions(manager: Any, count: int) -> None:
    for n in range(count):
        publish(manager, change_summary=f"Change {n}")


def many_staff(count: int) -> list[Any]:
    from tests.factories import front_line_user

    return [front_line_user(username=f"staff{n}") for n in range(count)]


@pytest.mark.parametrize("size", [1, 20])
def test_the_policy_pages_take_a_fixed_number_of_queries(client, alice, maria, size, django_assert_max_num_queries):
    many_versions(maria, size)
    for person in many_staff(size):
        policy_acknowledge(user=person, version=version_1())
    client.force_login(maria)
    bounds = {
        # Each: the session, the user, their permissions (2), then the page's own reads and the banner's one,
        # +1 the menu's inbox count (intake).
        ("policy:current", ()): 7,  # the version, the reader's acknowledgement (the page asks instead of the banner)
        ("policy:version", (1,)): 8,  # the version, the one in force, the reader's acknowledgement
        ("policy:versions", ()): 7,  # the versions with their counts, the banner
        ("policy:publish", ()): 7,  # the version in force, the banner
        ("policy:acknowledgements", (1,)): 9,  # the version, the staff, the acknowledgements, the banner
    }
    for (name, args), bound in bounds.items():
        with django_assert_max_num_queries(bound):
            response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name


def test_the_banner_costs_one_query_whether_read_or_not(client, alice):
    client.force_login(alice)
    with CaptureQueriesContext(connection) as unread:
        assert BANNER in page(client, "recovery:my_queue")
    policy_acknowledge(user=alice, version=version_1())
    with CaptureQueriesContext(connection) as read:
        assert BANNER not in page(client, "recovery:my_queue")

    assert len(unread.captured_queries) == len(read.captured_queries)
    for captured in (unread, read):
        assert sum("policy_" in q["sql"] for q in captured.captured_queries) == 1


def test_htmx_partials_pay_nothing_for_the_banner(client, alice, complaint):
    client.force_login(alice)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("recovery:complaint_detail", args=[complaint.pk]), **HTMX)

    assert response.status_code == 200
    assert not any("policy_" in q["sql"] for q in captured.captured_queries)
