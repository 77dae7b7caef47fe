"""Who may open every URL of CareDesk: a table kept here, checked against every URL pattern there is.

Every URL pattern of the project (found by walking Django's URL resolver, the admin's included) is
requested by each persona, with GET and with POST, and what comes back is compared with the table below.
A pattern without a row fails `test_every_url_pattern_has_a_row`, so a view cannot be added without
saying who may open it. A POST that is not expected to succeed (anything but a redirect elsewhere) must
leave every stored row as it was.

The personas (tests/helpers/access.py): anonymous; olivia, an outsider (signed in, no role); bob, front
line; alice, front line and the owner of every object a URL is built from (the complaint, the attempt, the
coaching review of her handling); maria, a manager with staff status; dora, a manager who was signed in
and then switched off (is_active=False); root, the superuser.

The admin's model pages (list, add, change, history, delete and the object's address, which redirects to
its change page) follow one rule per registered model, `ADMIN_MODELS`; its app pages follow `MANAGER_APPS`.

Other people's ids (the second half of this file): every URL that takes an id, slug or token is tried
with objects the persona may not see (a colleague's confidential complaint, an employee's, handled by
alice; bob's own complaint about a colleague, which only its handler and managers see; bob's training
attempt and the review of his handling, which alice may not see; a review a manager asked to calibrate
may not see before writing their own) and with ids nobody has (0, 2**31, 2**63 - 1, 2**63, 10**30, five
thousand digits, a negative number, which no integer converter accepts; slugs and tokens that name
nothing, forged and expired survey links, NUL, CRLF, non-ASCII). The answer is 404, the same as for a
thing that does not exist, or the refusal that comes before any lookup (sign in, 403 for a role, 405 for
a method), or in the admin its redirect saying the object does not exist; never the object, never a 500,
and a POST stores nothing. Every page a persona can open is also searched for the words of what they may
not see.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import unquote

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import timezone

from customers.models import CustomerGroup
from intake import status_links
from intake.services import public_complaint_submit
from intake.status_links import status_link_for, status_link_revoke, status_token
from recovery import surveys
from recovery.models import Survey
from tests.factories import CustomerFactory, log_complaint
from tests.helpers import access
from tests.helpers.access import PERSONAS, Pattern, parse_admin_rules, parse_table
from tests.helpers.coaching import closed_complaint, ratings, review, review_form_data
from tests.helpers.workflow import closed, fresh
from training.coaching import services as coaching
from training.coaching.services import CoachingError
from training.models import Attempt, ModuleVersion

# One row per URL name (unnamed admin patterns by their route). Columns: the URL's name; the object its
# address is built from (see `targets` in tests/helpers/fixtures_access.py; "-" for none); then what each
# persona gets, `GET/POST`, or one value when both are the same:
#   200, 400, 403, 404, 405, 410  the status code
#   in                             redirected to sign in (our sign-in page or the admin's)
#   302                            redirected anywhere else
# Adding a URL: add its line, and (if its address needs an object no target gives) a target.
EXPECTED = parse_table(
    """
# name                             target    anonymous  outsider   front-line owner      manager   deactivated superuser
home                               -         in         302        302        302        302        in         302
login                              -         200        302        302        302        302        200        302
logout                             -         in         405/in     405/in     405/in     405/in     in         405/in
accounts:login_code                -         in         302        302        302        302        in         302
accounts:account                   -         in         200/405    200/405    200/405    200/405    in         200/405
accounts:password_change           -         in         200        200        200        200        in         200
accounts:two_step_setup            -         in         200        200        200        200        in         200
accounts:recovery_codes            -         in         302        302        302        302        in         302
accounts:two_step_off              -         in         302        302        302        302        in         302
recovery:my_queue                  -         in         403        200        200        200        in         200
recovery:complaint_list            -         in         403        200        200        200        in         200
recovery:complaint_list_csv        -         in         403        403        403        200        in         200
recovery:complaint_log             -         in         403        200        200        200        in         200
recovery:complaints_hand_over      owner     in         403        403        403        200/302    in         200/302
recovery:complaint_detail          complaint in         403/405    200/405    200/405    200/405    in         200/405
recovery:complaint_step            complaint in         403        302/200    302/200    302/200    in         302/200
recovery:complaint_skip            complaint in         403        302/200    302/200    302/200    in         302/200
recovery:complaint_note            complaint in         403        302        302        302        in         302
recovery:complaint_assign          complaint in         403        302/200    302/200    302/200    in         302/200
recovery:complaint_escalate        complaint in         403        302/200    302/200    302/200    in         302/200
recovery:complaint_close           complaint in         403        302/200    302/200    302/200    in         302/200
recovery:complaint_reopen          complaint in         403        302/200    302/200    302/200    in         302/200
recovery:complaint_edit            complaint in         403        302/200    302/200    302/200    in         302/200
recovery:complaint_customer_emails complaint in         403        302/200    302/200    302/200    in         302/200
recovery:dashboard                 -         in         403        403        403        200        in         200
recovery:dashboard_handlers_csv    -         in         403        403        403        200        in         200
recovery:dashboard_review          -         in         403        403        403        200        in         200
customers:customer_list            -         in         403        200/405    200/405    200/405    in         200/405
customers:customer_search          -         in         403        302/405    302/405    302/405    in         302/405
customers:customer_quick_create    -         in         403        200        200        200        in         200
customers:customer_detail          customer  in         403        200/405    200/405    200/405    in         200/405
customers:customer_edit            customer  in         403        200/302    200/302    200/302    in         200/302
customers:customer_export          customer  in         403        403        403        405/200    in         405/200
customers:customer_erase           customer  in         403        403        403        200        in         200
policy:current                     -         in         403/405    200/405    200/405    200/405    in         200/405
policy:versions                    -         in         403/405    200/405    200/405    200/405    in         200/405
policy:publish                     -         in         403        403        403        200        in         200
policy:version                     policy    in         403/405    200/405    200/405    200/405    in         200/405
policy:acknowledge                 policy    in         405/403    405/302    405/302    405/302    in         405/302
policy:acknowledgements            policy    in         403/405    403/405    403/405    200/405    in         200/405
healthz                            -         200/405    200/405    200/405    200/405    200/405    200/405    200/405
survey:survey_thanks               -         200/405    200/405    200/405    200/405    200/405    200/405    200/405
survey:survey                      token     200/302    200/302    200/302    200/302    200/302    200/302    200/302
training:my_training               -         in         403        200/405    200/405    200/405    in         200/405
training:module_take               module    in         403        200/400    200/400    200/400    in         200/400
training:attempt_detail            attempt   in         403        404/405    200/405    200/405    in         200/405
training:module_list               -         in         403        403        403        200/405    in         200/405
training:module_create             -         in         403        403        403        200/400    in         200/400
training:module_edit               module    in         403        403        403        200/400    in         200/400
training:module_assign             module    in         403        403        403        200/400    in         200/400
training:matrix                    -         in         403        403        403        200/405    in         200/405
training:matrix_csv                -         in         403        403        403        200/405    in         200/405
training:person_attempts           person    in         403        403        403        200/405    in         200/405
training:coaching                  -         in         403        403        403        200/405    in         200/405
training:coaching_queue            -         in         403        403        403        200/405    in         200/405
training:coaching_complaint        closed    in         403        403        403        200/400    in         200/400
training:coaching_review_create    closed    in         403        403        403        302        in         200/302
training:coaching_review           review    in         403        404/405    200/405    200/405    in         200/405
training:coaching_reply            review    in         403        405/404    405/302    405/302    in         405/302
intake:inbox                       -         in         403        200        200        200        in         200
intake:take                        inboxed   in         403        200        200        200        in         200
status_admin:revoke                inboxed   in         403        403        403        200/302    in         200/302
complain:form                      -         200/302    200/302    200/302    200/302    200/302    200/302    200/302
complain:received                  status    200/405    200/405    200/405    200/405    200/405    200/405    200/405
status:status                      status    200/302    200/302    200/302    200/302    200/302    200/302    200/302
webhooks:endpoint_list             -         in         403/405    403/405    403/405    200/405    in         200/405
webhooks:endpoint_create           -         in         403        403        403        200        in         200
webhooks:endpoint_detail           endpoint  in         403/405    403/405    403/405    200/405    in         200/405
webhooks:endpoint_edit             endpoint  in         403        403        403        200        in         200
webhooks:endpoint_new_secret       endpoint  in         405/403    405/403    405/403    405/302    in         405/302
webhooks:endpoint_send_test        endpoint  in         405/403    405/403    405/403    405/302    in         405/302
webhooks:delivery_send_again       delivery  in         405/403    405/403    405/403    405/302    in         405/302
api:schema                         -         401        403        200/405    200/405    200/405    401        200/405
api:docs                           -         in         403        200/405    200/405    200/405    in         200/405
api:complaint-list                 -         401        403        200/415    200/415    200/415    401        200/415
api:complaint-detail               complaint 401        403        200/405    200/405    200/405    401        200/405
api:complaint-apologize            complaint 401        403        405/415    405/415    405/415    401        405/415
api:complaint-reinstate            complaint 401        403        405/415    405/415    405/415    401        405/415
api:complaint-empathize            complaint 401        403        405/415    405/415    405/415    401        405/415
api:complaint-atone                complaint 401        403        405/415    405/415    405/415    401        405/415
api:complaint-follow-up            complaint 401        403        405/415    405/415    405/415    401        405/415
api:complaint-skip                 complaint 401        403        405/415    405/415    405/415    401        405/415
api:complaint-notes                complaint 401        403        405/415    405/415    405/415    401        405/415
api:complaint-assign               complaint 401        403        405/415    405/415    405/415    401        405/415
api:complaint-escalate             complaint 401        403        405/415    405/415    405/415    401        405/415
api:complaint-close                complaint 401        403        405/415    405/415    405/415    401        405/415
api:complaint-reopen               complaint 401        403        405/415    405/415    405/415    401        405/415
api:complaint-edit                 complaint 401        403        405/415    405/415    405/415    401        405/415
api:complaint-customer-emails      complaint 401        403        405/415    405/415    405/415    401        405/415
api:customer-list                  -         401        403        200/415    200/415    200/415    401        200/415
api:customer-detail                customer  401        403        200/405    200/405    200/405    401        200/405
api:customer-complaints            customer  401        403        200/405    200/405    200/405    401        200/405
api:category-list                  -         401        403        200/405    200/405    200/405    401        200/405
api:recovery-policy-list           -         401        403        200/405    200/405    200/405    401        200/405
api:policy-current                 -         401        403        200/405    200/405    200/405    401        200/405
api:policy-version-list            -         401        403        200/405    200/405    200/405    401        200/405
api:policy-version                 policy    401        403        200/405    200/405    200/405    401        200/405
api:dashboard                      -         401        403        403        403        200/405    401        200/405
api:inbox                          -         401        403        200/405    200/405    200/405    401        200/405
api:inbox-take                     inboxed   401        403        405/415    405/415    405/415    401        405/415
api:training-assignments           -         401        403        200/405    200/405    200/405    401        200/405
api:training-matrix                -         401        403        403        403        200/405    401        200/405
api_tokens:list                    -         in         403        200        200        200        in         200
api_tokens:revoke                  token_id  in         405/403    405/404    405/302    405/404    in         405/404
admin:index                        -         in         404        404        404        200        in         200
admin:login                        -         200        404        404        404        302/200    200        302/200
admin:logout                       -         in         404        404        404        405/in     in         405/in
admin:password_change              -         in         404        404        404        200        in         200
admin:password_change_done         -         in         404        404        404        200/405    in         200/405
admin:autocomplete                 -         in         404        404        404        403/405    in         403/405
admin:jsi18n                       -         in         404        404        404        200/405    in         200/405
admin:view_on_site                 object    in         404        404        404        302        in         302
admin:auth_user_password_change    user      in         404        404        404        403        in         200
admin:[admin/(?P<url>.*)$]         nowhere   in         404        404        404        404        in         404
"""
)

# The admin's model pages, one rule per registered model: the pages a manager and the superuser may open
# (anyone else is sent to sign in when not signed in, and finds no admin at all, 404, when signed in; a
# page not listed is 403). Pages, comma-separated ("-" for none): list, add, change, history, delete, and
# instead of change either "view" (the change page shows the row read-only and refuses a POST, 403) or
# "resave" (every field is read-only, so a POST saves nothing but the admin's log line and redirects).
# An empty POST never adds, changes or deletes a row (the delete page asks to confirm). The object's own
# address redirects to its change page for both.
ADMIN_MODELS = parse_admin_rules(
    """
# model                          manager                      superuser
auth.group                       -                            list,add,change,history,delete
auth.user                        -                            list,add,change,history,delete
axes.accessattempt               -                            list,resave,history,delete
axes.accessfailurelog            -                            list,resave,history,delete
axes.accesslog                   -                            list,resave,history,delete
customers.customer               -                            list,add,change,history
customers.personaldatarecord     -                            list,view,history
customers.organization           -                            list,add,change,history,delete
otp_static.staticdevice          -                            list,view,history,delete
otp_totp.totpdevice              -                            list,view,history,delete
policy.policyacknowledgement     -                            list,view,history
policy.policyversion             -                            list,view,history
recovery.category                list,add,change,history      list,add,change,history,delete
recovery.complaint               -                            list,add,change,history
recovery.complaintevent          -                            list,view,history
recovery.managerdigest           -                            list,view,history
recovery.recoveryaction          -                            list,view,history
recovery.recoverypolicy          list,change,history          list,add,change,history
recovery.reminder                -                            list,view,history
recovery.survey                  -                            list,view,history
training.assignment              -                            list,view,history
training.attempt                 -                            list,view,history
training.calibrationrequest      -                            list,view,history
training.coachingnotice          -                            list,view,history
training.coachingreview          -                            list,view,history
training.moduleversion           -                            list,view,history
training.question                -                            list,view,history
training.trainingmodule          -                            list,view,history
training.trainingreminder        -                            list,view,history
webhooks.webhookdelivery         -                            list,view,history
webhooks.webhookendpoint         -                            list,view,history
webhooks.webhooknotice           -                            list,view,history
"""
)
# The admin's app pages a manager may open (the superuser opens every one; anyone else as above, 404).
MANAGER_APPS = {"recovery"}
RULES = access.Rules(EXPECTED, ADMIN_MODELS, MANAGER_APPS)


BLANK = dict.fromkeys(PERSONAS, ("?", "?"))
# POSTs that answer 200 and rightly store something: the personal-data download records who took it, and
# the two-step set-up keeps the secret it shows (an unconfirmed authenticator) until its first code arrives.
STORES_WHEN_SHOWN = {"customers:customer_export", "accounts:two_step_setup"}


def test_every_url_pattern_has_a_row():
    no_row, no_rule, stale = access.missing_rows(RULES)
    message = []
    if no_row:
        message.append(
            "These URL patterns have no row in EXPECTED (tests/test_access_matrix.py), so nothing says who may "
            "open them. Add one line each: the name, the object its address is built from (a target in "
            "tests/helpers/fixtures_access.py, '-' for none), and what each persona gets:\n"
            + "\n".join(f"  {p.describe()}" for p in no_row)
            + "\nA line to start from, each ? one of the outcomes listed above the table:\n"
            + "\n".join(f"  {access.format_row(p.key, '-' if not p.arguments else '?', BLANK)}" for p in no_row)
        )
    if no_rule:
        message.append(
            "These models are registered in the admin without a rule in ADMIN_MODELS "
            "(tests/test_access_matrix.py): say which pages a manager and the superuser may open:\n  "
            + "\n  ".join(no_rule)
        )
    if stale:
        message.append(
            "These rows name no URL pattern or registered model any more; remove them:\n  " + "\n  ".join(stale)
        )
    assert not message, "\n\n".join(message)


def one_address_sends_everything(settings: Any) -> None:
    """Lift the per-address rate limits of the pages without sign-in: every request here comes from one address.

    The public form is also sent back at once (PUBLIC_FORM_MIN_SECONDS), so its POST files a complaint. The
    API's limit per session is lifted too: each persona sends hundreds of requests a minute here.
    """
    settings.API_RATE_PER_MINUTE = 1_000_000
    settings.SURVEY_RATE_LIMIT = "100000/m"
    settings.STATUS_RATE_LIMIT = "100000/m"
    settings.PUBLIC_FORM_RATE_LIMIT = "100000/m"
    settings.PUBLIC_FORM_MIN_SECONDS = 0


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_url_answers_each_persona_as_the_table_says(access_world, settings, persona):
    one_address_sends_everything(settings)
    session = access_world.sessions[persona]
    wrong: list[str] = []
    for pattern, case in access.cases(access_world, RULES):
        try:
            url = access.url_for(pattern, case.kwargs)
        except NoReverseMatch:
            wrong.append(f"{case.key}: its target {case.target!r} does not give {pattern.arguments}; choose or add one")
            continue
        for index, method in enumerate(("GET", "POST")):
            wanted = case.cells[persona][index]
            data = access_world.post_data.get(case.key, {}) if method == "POST" else None
            succeeds = wanted == access.ELSEWHERE or (wanted == "200" and case.key in STORES_WHEN_SHOWN)
            sent = access.send(session, method, url, data, watch=method == "POST" and not succeeds)
            where = f"{method} {url} ({case.key}, {case.target})"
            if sent.status != wanted:
                wrong.append(
                    f"{where}: {sent.status}{f' ({sent.error})' if sent.error else ''}, the table says {wanted}"
                )
            elif sent.status == access.SIGN_IN and method == "GET" and "next=" not in sent.location:
                wrong.append(f"{where}: sent to sign in without coming back here afterwards ({sent.location})")
            elif sent.changed:
                wrong.append(f"{where}: answered {sent.status} but changed what is stored")
    assert not wrong, f"As {persona}:\n" + "\n".join(wrong)


# What refuses a request: sent to sign in, a role or method refused, not found, a form out of date; and
# the API's own: no credentials (401), a stale version (409), not JSON (415), refused by a rule (422).
REFUSALS = {access.SIGN_IN, "400", "401", "403", "404", "405", "409", "410", "415", "422"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_htmx_requests_are_refused_where_plain_ones_are(access_world, settings, persona):
    """The screens answer htmx with a part of the page (a 200 where a plain request is redirected): whoever
    is refused a plain request is refused it with htmx too, and whoever may is not refused."""
    one_address_sends_everything(settings)
    session = access_world.sessions[persona]
    wrong: list[str] = []
    for pattern, case in access.cases(access_world, RULES):
        if pattern.key.startswith("admin:"):
            continue  # the admin does not speak htmx
        url = access.url_for(pattern, case.kwargs)
        for index, method in enumerate(("GET", "POST")):
            plain = case.cells[persona][index]
            data = access_world.post_data.get(case.key, {}) if method == "POST" else None
            sent = access.send(session, method, url, data, watch=plain in REFUSALS, htmx=True)
            if plain in REFUSALS and sent.status != plain:
                wrong.append(f"{method} {url} ({case.key}): {sent.status}, plain {plain}")
            elif plain not in REFUSALS and sent.status not in ("200", access.ELSEWHERE):
                wrong.append(f"{method} {url} ({case.key}): {sent.status} {sent.error}, plain {plain}")
            elif sent.changed:
                wrong.append(f"{method} {url} ({case.key}): refused, but changed what is stored")
    assert not wrong, f"As {persona}, with htmx:\n" + "\n".join(wrong)


def test_the_matrix_tells_a_refused_post_from_one_that_stored_something(access_world):
    """The check that a refused POST stored nothing can fail: a note stores a row, a refused step none."""
    url = access.url_for(
        next(p for p in access.url_patterns() if p.key == "recovery:complaint_note"),
        access_world.arguments["complaint"],
    )
    note = access.send(access_world.sessions[access.OWNER], "POST", url, {"text": "Called back"}, watch=True)
    step = access_world.post_data["recovery:complaint_step"]
    refused = access.send(
        access_world.sessions[access.FRONT_LINE], "POST", url.replace("/note/", "/step/"), step, watch=True
    )

    assert (note.status, note.changed) == (access.ELSEWHERE, True)
    assert (refused.status, refused.changed) == ("200", False)
    assert b"Only the owner" in refused.body


# --- other people's ids -----------------------------------------------------------------------------

# Refusals that come before any lookup: the row's answer stands whatever the id.
BEFORE_LOOKUP = {access.SIGN_IN, "403", "405"}

# Words only in what each persona may not see; none of their pages may contain them.
SECRET_COMPLAINT = "Rota favouritism in the warehouse"
BOBS_OWN = "My overtime was never paid"
BOBS_REVIEW = "Bob rushed the apology"
INBOX_SECRET = "Locker searched without notice"


@pytest.fixture
def foreign(access_world: access.World, bob: Any, maria: Any, alice: Any) -> dict[str, Any]:
    """What bob, alice and a blind calibrator may not see, and the URL arguments naming each."""
    eve = CustomerFactory.create(name="Eve Employee", group=CustomerGroup.EMPLOYEE)
    secret = log_complaint(user=alice, customer=eve, summary=SECRET_COMPLAINT)
    # An employee's complaint from the public form: until someone owns it, only managers see it in the inbox.
    inbox_secret = public_complaint_submit(
        name="Emma Employee",
        email="emma@example.org",
        phone="",
        group=CustomerGroup.EMPLOYEE,
        what_happened=f"{INBOX_SECRET}. My locker was opened while I was on leave.",
        desired_remedy="",
        consents_to_contact=True,
    )
    bob_as_customer = CustomerFactory.create(name="Bob Baker", group=CustomerGroup.EMPLOYEE, staff_user=bob)
    bobs_own = log_complaint(user=alice, customer=bob_as_customer, summary=BOBS_OWN)
    version = ModuleVersion.objects.filter(module__slug="five-step-recovery").latest("number")
    now = timezone.now()
    bob_attempt = Attempt.objects.create(
        user=bob, version=version, score=0, passed=False, started_at=now, submitted_at=now, token="bob"
    )
    handled_by_bob = closed_complaint(bob, CustomerFactory(name="Carl Closed"))
    bob_review = coaching.review_create(
        complaint=handled_by_bob, reviewer=maria, ratings=ratings(), overall=BOBS_REVIEW, next_time="Slow down."
    )
    review = access_world.objects["training.coachingreview"]
    blind = review.complaint.calibration_requests.get().asked  # asked to calibrate, has not reviewed yet
    return {
        "secret": secret,
        "inbox_secret": inbox_secret,
        "bobs_own": bobs_own,
        "bob_attempt": bob_attempt,
        "bob_review": bob_review,
        "blind": blind,
        "maria_review": review,
    }


def _foreign_targets(foreign: dict[str, Any]) -> dict[str, list[tuple[str, dict[str, Any], set[str]]]]:
    """Return, per matrix target, (what, URL arguments, the personas who may not see it)."""
    return {
        "complaint": [
            ("an employee's confidential complaint", {"pk": foreign["secret"].pk}, {access.FRONT_LINE}),
            ("bob's own complaint about a colleague", {"pk": foreign["bobs_own"].pk}, {access.FRONT_LINE}),
        ],
        "inboxed": [
            (
                "an employee's complaint in the inbox",
                {"pk": foreign["inbox_secret"].pk},
                {access.FRONT_LINE, access.OWNER},
            )
        ],
        "attempt": [("bob's attempt", {"pk": foreign["bob_attempt"].pk}, {access.OWNER})],
        "review": [("the review of bob's handling", {"pk": foreign["bob_review"].pk}, {access.OWNER})],
    }


def _wanted(row_cell: str) -> str:
    return row_cell if row_cell in BEFORE_LOOKUP else "404"


def _check(
    wrong: list[str], session: str | None, url: str, wanted: tuple[str, str], what: str, data: dict[str, Any]
) -> list[access.Sent]:
    sent = []
    for method, expected in zip(("GET", "POST"), wanted, strict=True):
        answer = access.send(session, method, url, data if method == "POST" else None, watch=method == "POST")
        sent.append(answer)
        if answer.status != expected:
            error = f" ({answer.error})" if answer.error else ""
            wrong.append(f"{method} {url} ({what}): {answer.status}{error}, expected {expected}")
        elif answer.changed:
            wrong.append(f"{method} {url} ({what}): answered {answer.status} but changed what is stored")
    return sent


@pytest.mark.parametrize("persona", [access.FRONT_LINE, access.OWNER])
def test_other_peoples_objects_are_not_found(access_world, foreign, persona):
    session = access_world.sessions[persona]
    wrong: list[str] = []
    tried = 0
    for target, objects in _foreign_targets(foreign).items():
        for key, row in EXPECTED.items():
            if row.target != target:
                continue
            for what, kwargs, hidden_from in objects:
                if persona not in hidden_from:
                    continue
                get, post = row.cells[persona]
                sent = _check(
                    wrong,
                    session,
                    reverse(key, kwargs=kwargs),
                    (_wanted(get), _wanted(post)),
                    f"{key}, {what}",
                    access_world.post_data.get(key, {}),
                )
                tried += 1
                for answer in sent:
                    for words in (SECRET_COMPLAINT, INBOX_SECRET, BOBS_OWN, BOBS_REVIEW):
                        if words.encode() in answer.body:
                            wrong.append(f"{key} ({what}) shows {words!r}")
    # Every complaint URL and the inbox's; the attempt, the review and the inbox's for alice.
    assert tried >= {access.FRONT_LINE: 22, access.OWNER: 5}[persona]
    assert not wrong, "\n".join(wrong)


def test_a_manager_asked_to_calibrate_finds_no_review_of_that_complaint_until_theirs_is_in(access_world, foreign):
    blind = foreign["blind"]
    review = foreign["maria_review"]
    session = _session_of(blind)
    wrong: list[str] = []

    for key, wanted in (("training:coaching_review", ("404", "405")), ("training:coaching_reply", ("405", "404"))):
        _check(wrong, session, reverse(key, args=[review.pk]), wanted, key, {})
    page = access.send(session, "GET", reverse("training:coaching_complaint", args=[review.complaint_id]))

    assert not wrong, "\n".join(wrong)
    assert page.status == "200"
    assert review.overall.encode() not in page.body


def _session_of(user: Any) -> str:
    client = Client()
    client.force_login(user)
    return str(client.session.session_key)


# --- ids nobody has ---------------------------------------------------------------------------------

INTEGERS = ["0", str(2**31), str(2**63 - 1), str(2**63), str(10**30), "9" * 5000]
TEXTS = ["no-such-thing", "a" * 5000, "%00", "%0d%0aSet-Cookie:x=1", "%C3%BC%E2%80%AE", "..", "-1"]
# The admin looks every object up the same way: a few of each kind, for every model's pages.
ADMIN_VALUES = ["0", str(2**63), "9" * 5000, "abc", "%00", "%0d%0a"]


@dataclass(frozen=True)
class CatchAll:
    callback: Any
    cells: tuple[str, str]


def _absurd(pattern: Pattern, kwargs: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (what, arguments) with one argument at a time replaced by something that names nothing."""
    for name in kwargs:
        if pattern.key.startswith("admin:"):
            values = ADMIN_VALUES
        else:
            values = INTEGERS if f"<int:{name}>" in pattern.route else INTEGERS + TEXTS
        for value in values:
            yield f"{name}={value[:20]}{'…' if len(value) > 20 else ''}", {**kwargs, name: value}


def _address(pattern: Pattern, kwargs: dict[str, Any]) -> str:
    """Fill the route by hand: reverse() refuses what its converters do not match, and that is the point."""
    path = "/" + pattern.route
    for name, value in kwargs.items():
        for converter in ("int", "slug", "str", "path"):
            path = path.replace(f"<{converter}:{name}>", str(value))
        path = path.replace(f"(?P<{name}>.*)$", str(value))
    return path


def _absurd_wanted(pattern: Pattern, url: str, cell: tuple[str, str], catch_all: CatchAll) -> tuple[set[str], set[str]]:
    """Return what GET and POST may answer with an id nobody has."""
    try:
        match = resolve(unquote(url))
    except Resolver404:
        return {"404"}, {"404"}  # the converter refuses it: no such address, whoever asks
    if match.func is not pattern.callback:
        # Only the admin has a pattern taking whatever the others refuse: its catch-all.
        assert match.func is catch_all.callback, (url, match)
        return {catch_all.cells[0]}, {catch_all.cells[1]}
    if pattern.key.startswith("admin:"):
        # The admin answers a missing object with a redirect to its index ("… doesn't exist"), or 404.
        return ({cell[0]} if cell[0] in BEFORE_LOOKUP else {"302", "404"}), (
            {cell[1]} if cell[1] in BEFORE_LOOKUP else {"302", "404"}
        )
    return {_wanted(cell[0])}, {_wanted(cell[1])}


@pytest.mark.parametrize("persona", [access.MANAGER, access.SUPERUSER])
def test_ids_nobody_has_are_not_found_and_never_an_error(access_world, settings, persona):
    """As a manager (who passes every screen's role check) the screens; as the superuser the admin."""
    one_address_sends_everything(settings)
    session = access_world.sessions[persona]
    wrong: list[str] = []
    tried = 0
    all_cases = list(access.cases(access_world, RULES))
    catch_all = next(
        CatchAll(p.callback, case.cells[persona]) for p, case in all_cases if p.key == "admin:[admin/(?P<url>.*)$]"
    )
    for pattern, case in all_cases:
        if not case.kwargs or pattern.key.startswith("admin:") != (persona == access.SUPERUSER):
            continue
        for what, kwargs in _absurd(pattern, case.kwargs):
            url = _address(pattern, kwargs)
            get_wanted, post_wanted = _absurd_wanted(pattern, url, case.cells[persona], catch_all)
            for method, wanted in (("GET", get_wanted), ("POST", post_wanted)):
                data = access_world.post_data.get(case.key, {}) if method == "POST" else None
                sent = access.send(session, method, url, data, watch=method == "POST")
                tried += 1
                if sent.status not in wanted or sent.changed:
                    error = f" ({sent.error})" if sent.error else ""
                    change = ", and changed what is stored" if sent.changed else ""
                    got = f"{sent.status}{error}{change}"
                    wrong.append(f"{method} {url[:90]} ({case.key}, {what}): {got}, expected {sorted(wanted)}")
    assert tried > 200
    assert not wrong, f"As {persona}:\n" + "\n".join(wrong)


def test_an_int_converter_takes_no_negative_id(access_world):
    session = access_world.sessions[access.MANAGER]
    for url in ("/complaints/-1/", "/customers/-1/", "/training/attempts/-1/", "/policy/v-1/"):
        assert access.send(session, "GET", url).status == "404", url


# --- survey links -----------------------------------------------------------------------------------


def test_forged_foreign_and_expired_survey_links_show_no_complaint(access_world, settings):
    settings.SURVEY_RATE_LIMIT = "100000/m"
    survey: Survey = access_world.objects["recovery.survey"]
    reference = survey.complaint.reference.encode()
    good = surveys.survey_token(survey)
    links = {
        "tampered": (good[:-2] + ("AA" if not good.endswith("AA") else "BB"), "404"),
        "another salt": (signing.dumps(survey.pk), "404"),
        "no such survey": (signing.dumps(2**63, salt=surveys.SALT), "404"),
        "not a number": (signing.dumps("1", salt=surveys.SALT), "404"),
        "a list": (signing.dumps([survey.pk], salt=surveys.SALT), "404"),
        "true": (signing.dumps(True, salt=surveys.SALT), "404"),
    }
    with time_machine.travel(timezone.now() - timedelta(days=settings.SURVEY_LINK_DAYS + 1)):
        links["expired"] = (surveys.survey_token(survey), "410")
    wrong = []
    for what, (token, wanted) in links.items():
        url = reverse("survey:survey", args=[token])
        for method in ("GET", "POST"):
            data = {"satisfaction": "1", "would_return": "no", "comment": "forged"}
            sent = access.send(None, method, url, data, watch=method == "POST")
            if sent.status != wanted or sent.changed or reference in sent.body:
                wrong.append(f"{method} {what}: {sent.status}{' changed' if sent.changed else ''}")
    assert not wrong


# --- status links -----------------------------------------------------------------------------------


def test_forged_foreign_expired_and_revoked_status_links_show_no_complaint(access_world, settings):
    """The customer's status page and the page after the form: every link that cannot be used gets the
    friendly page, 404 for one that names nothing (intake.views.status.PROBLEM_STATUS), 410 for one that
    worked once, and never the complaint; a message sent with it is not kept."""
    one_address_sends_everything(settings)
    complaint = access_world.objects["inboxed"]
    reference = complaint.reference.encode()
    link = status_link_for(complaint)
    good = status_token(link)
    links = {
        "tampered": (good[:-2] + ("AA" if not good.endswith("AA") else "BB"), "404"),
        "another salt": (signing.dumps(link.pk), "404"),
        "a survey link": (access_world.objects["token"], "404"),
        "no such link": (signing.dumps(2**63, salt=status_links.SALT), "404"),
        "not a number": (signing.dumps(str(link.pk), salt=status_links.SALT), "404"),
        "a list": (signing.dumps([link.pk], salt=status_links.SALT), "404"),
        "true": (signing.dumps(True, salt=status_links.SALT), "404"),
    }
    with time_machine.travel(timezone.now() - timedelta(days=settings.STATUS_LINK_DAYS + 1)):
        links["expired"] = (status_token(link), "410")
    wrong = []

    def check(what: str, token: str, wanted: str) -> None:
        for key, method in (("status:status", "GET"), ("status:status", "POST"), ("complain:received", "GET")):
            url = reverse(key, args=[token])
            sent = access.send(None, method, url, {"text": "forged"}, watch=method == "POST")
            if sent.status != wanted or sent.changed or reference in sent.body:
                wrong.append(f"{method} {key} {what}: {sent.status}{' changed' if sent.changed else ''}")

    for what, (token, wanted) in links.items():
        check(what, token, wanted)
    status_link_revoke(complaint=complaint, user=access_world.objects["maria"])
    check("revoked", good, "410")

    assert not wrong, "\n".join(wrong)


# --- what each persona's pages show -----------------------------------------------------------------

HIDDEN = {
    access.OUTSIDER: (SECRET_COMPLAINT, INBOX_SECRET, BOBS_OWN, BOBS_REVIEW),
    access.FRONT_LINE: (SECRET_COMPLAINT, INBOX_SECRET, BOBS_OWN),
    access.OWNER: (INBOX_SECRET, BOBS_REVIEW),
}


@pytest.mark.parametrize("persona", sorted(HIDDEN))
def test_no_page_a_persona_opens_shows_what_they_may_not_see(access_world, foreign, persona):
    session = access_world.sessions[persona]
    searches = [
        reverse("recovery:complaint_list") + "?q=overtime",
        reverse("recovery:complaint_list") + "?q=favouritism",
        reverse("recovery:complaint_list") + "?q=locker",
        reverse("intake:inbox"),
        reverse("recovery:my_queue"),
        reverse("customers:customer_detail", args=[foreign["secret"].customer_id]),
        reverse("customers:customer_detail", args=[foreign["bobs_own"].customer_id]),
        reverse("customers:customer_detail", args=[foreign["inbox_secret"].customer_id]),
        reverse("recovery:complaint_detail", args=[foreign["bob_review"].complaint_id]),
        reverse("training:my_training"),
    ]
    pages = [
        access.url_for(pattern, case.kwargs)
        for pattern, case in access.cases(access_world, RULES)
        if not pattern.key.startswith("admin:") and case.cells[persona][0] == "200"
    ]
    shown = []
    for url in searches + pages:
        body = access.send(session, "GET", url).body
        shown += [f"{url}: {words!r}" for words in HIDDEN[persona] if words.encode() in body]
    assert len(pages) > 10 or persona == access.OUTSIDER
    assert shown == []


def test_the_hidden_words_are_on_the_pages_of_those_who_may_see_them(access_world, foreign):
    """The search above can find what it looks for: the same words, where they belong."""
    manager, bob = access_world.sessions[access.MANAGER], access_world.sessions[access.FRONT_LINE]
    listed = access.send(manager, "GET", reverse("recovery:complaint_list") + "?q=overtime").body
    secret = access.send(manager, "GET", reverse("recovery:complaint_detail", args=[foreign["secret"].pk])).body
    review = access.send(bob, "GET", reverse("training:coaching_review", args=[foreign["bob_review"].pk])).body
    inbox = access.send(manager, "GET", reverse("intake:inbox")).body

    assert BOBS_OWN.encode() in listed
    assert INBOX_SECRET.encode() in inbox
    assert SECRET_COMPLAINT.encode() in secret
    assert BOBS_REVIEW.encode() in review


def test_a_manager_who_complained_reads_his_complaint_but_may_only_add_a_note(access_world, mark, marks_complaint):
    """Managers see every complaint, their own as colleagues too (recovery/permissions.py: `can_view`), but
    the complainant never handles it: every action is refused with the form kept, a note goes through."""
    session = _session_of(mark)
    wrong: list[str] = []
    version = str(marks_complaint.version)
    for key, row in EXPECTED.items():
        if row.target != "complaint" or not key.startswith("recovery:"):
            continue  # the API's actions refuse him the same way: tests/test_api_actions.py
        url = reverse(key, args=[marks_complaint.pk])
        data = {**access_world.post_data.get(key, {}), "expected_version": version}
        sent = access.send(session, "POST", url, data, watch=True)
        wanted = "405" if key == "recovery:complaint_detail" else access.ELSEWHERE if key.endswith("_note") else "200"
        if sent.status != wanted or sent.changed != (key == "recovery:complaint_note"):
            wrong.append(f"POST {key}: {sent.status}{' and stored something' if sent.changed else ''}")
    page = access.send(session, "GET", reverse("recovery:complaint_detail", args=[marks_complaint.pk]))

    assert not wrong, "\n".join(wrong)
    assert page.status == "200"
    assert b"is your own complaint, so a colleague handles it" in page.body


def test_a_manager_who_complained_neither_reviews_its_handling_nor_is_asked_to(access_world, mark, marks_complaint):
    """Coaching judges how a complaint was handled: as with handling it, not by the colleague who made it."""
    alice, maria = access_world.objects["alice"], access_world.objects["maria"]
    done = fresh(closed(marks_complaint, alice))
    review_url = reverse("training:coaching_review_create", args=[done.pk])
    session = _session_of(mark)

    refused = access.send(session, "POST", review_url, review_form_data(), watch=True)
    page = access.send(session, "GET", reverse("recovery:complaint_detail", args=[done.pk]))
    review(done, maria)
    asked = access.send(
        access_world.sessions[access.MANAGER],
        "POST",
        reverse("training:coaching_complaint", args=[done.pk]),
        {"asked": str(mark.pk)},
        watch=True,
    )

    assert (refused.status, refused.changed) == ("400", False)
    assert f"{done.reference} is your own complaint: another manager reviews it.".encode() in refused.body
    assert review_url.encode() not in page.body
    assert (asked.status, asked.changed) == ("400", False)
    with pytest.raises(CoachingError, match="That manager made this complaint"):
        coaching.calibration_request(complaint=done, by=maria, asked=mark)
