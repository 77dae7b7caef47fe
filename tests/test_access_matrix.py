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
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch

from tests.helpers import access
from tests.helpers.access import PERSONAS, Pattern, parse_admin_rules, parse_table

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
policy:current                     -         in         403/405    200/405    200/405    200/405    in         200/405
policy:versions                    -         in         403/405    200/405    200/405    200/405    in         200/405
policy:publish                     -         in         403        403        403        200        in         200
policy:version                     policy    in         403/405    200/405    200/405    200/405    in         200/405
policy:acknowledge                 policy    in         405/403    405/302    405/302    405/302    in         405/302
policy:acknowledgements            policy    in         403/405    403/405    403/405    200/405    in         200/405
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
customers.customer               -                            list,add,change,history,delete
customers.organization           -                            list,add,change,history,delete
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
"""
)
# The admin's app pages a manager may open (the superuser opens every one; anyone else as above, 404).
MANAGER_APPS = {"recovery"}
ADMIN_PAGES = {"changelist": "list", "add": "add", "change": "change", "history": "history", "delete": "delete"}


@dataclass(frozen=True)
class Case:
    key: str
    target: str
    kwargs: dict[str, Any]
    cells: dict[str, tuple[str, str]]


def _registered() -> dict[str, str]:
    """Return each registered model's admin route prefix ("admin/recovery/complaint/") by its label."""
    return {m._meta.label_lower: f"admin/{m._meta.app_label}/{m._meta.model_name}/" for m in admin.site._registry}


def _admin_model_page(pattern: Pattern) -> tuple[str, str] | None:
    """Return (model, page) when the pattern is one of a registered model's standard admin pages."""
    for model, prefix in _registered().items():
        if not pattern.route.startswith(prefix):
            continue
        if not pattern.named and pattern.route == f"{prefix}<path:object_id>/":
            return model, "redirect"
        app_label, model_name = model.split(".")
        suffix = pattern.key.removeprefix(f"admin:{app_label}_{model_name}_")
        if suffix in ADMIN_PAGES:
            return model, ADMIN_PAGES[suffix]
    return None


def _admin_cells(outcomes: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """Return every persona's cell, given the manager's and the superuser's."""
    cells = {}
    for persona in PERSONAS:
        if persona in (access.ANONYMOUS, access.DEACTIVATED):
            cells[persona] = (access.SIGN_IN, access.SIGN_IN)
        else:
            cells[persona] = outcomes.get(persona, ("404", "404"))
    return cells


def _page_outcome(pages: set[str], page: str) -> tuple[str, str]:
    if page == "redirect":
        return access.ELSEWHERE, access.ELSEWHERE
    if page == "change" and "view" in pages:
        return "200", "403"
    if page == "change" and "resave" in pages:
        return "200", access.ELSEWHERE
    return ("200", "200") if page in pages else ("403", "403")


def _model_page_cells(model: str, page: str) -> dict[str, tuple[str, str]]:
    manager, superuser = ADMIN_MODELS[model]
    return _admin_cells(
        {access.MANAGER: _page_outcome(manager, page), access.SUPERUSER: _page_outcome(superuser, page)}
    )


def missing_rows() -> tuple[list[Pattern], list[str], list[str]]:
    """Return the patterns without a row, the registered models without a rule, and rows naming no pattern."""
    patterns = access.url_patterns()
    no_row, no_rule = [], set()
    for pattern in patterns:
        page = _admin_model_page(pattern)
        if page is not None:
            if page[0] not in ADMIN_MODELS:
                no_rule.add(page[0])
        elif pattern.key != "admin:app_list" and pattern.key not in EXPECTED:
            no_row.append(pattern)
    keys = {p.key for p in patterns}
    stale = [key for key in EXPECTED if key not in keys] + [m for m in ADMIN_MODELS if m not in _registered()]
    return no_row, sorted(no_rule), stale


def cases(world: access.World) -> Iterator[tuple[Pattern, Case]]:
    """Yield every (pattern, case) the matrix requests: one per URL, and one per admin app page."""
    for pattern in access.url_patterns():
        page = _admin_model_page(pattern)
        if page is not None:
            model, name = page
            if model not in ADMIN_MODELS:
                continue  # test_every_url_pattern_has_a_row fails for it
            obj = world.objects[model]
            kwargs = {"object_id": obj.pk} if "object_id" in pattern.arguments else {}
            yield pattern, Case(pattern.key, model, kwargs, _model_page_cells(model, name))
        elif pattern.key == "admin:app_list":
            for app_label in sorted({m._meta.app_label for m in admin.site._registry}):
                manager = ("200", "200") if app_label in MANAGER_APPS else ("404", "404")
                cells = _admin_cells({access.MANAGER: manager, access.SUPERUSER: ("200", "200")})
                yield pattern, Case(pattern.key, f"app {app_label}", {"app_label": app_label}, cells)
        elif pattern.key in EXPECTED:  # test_every_url_pattern_has_a_row fails for any other
            row = EXPECTED[pattern.key]
            yield pattern, Case(pattern.key, row.target, world.arguments[row.target], dict(row.cells))


BLANK = dict.fromkeys(PERSONAS, ("?", "?"))


def test_every_url_pattern_has_a_row():
    no_row, no_rule, stale = missing_rows()
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


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_url_answers_each_persona_as_the_table_says(access_world, settings, persona):
    settings.SURVEY_RATE_LIMIT = "10000/m"  # one address sends every request here
    session = access_world.sessions[persona]
    wrong: list[str] = []
    for pattern, case in cases(access_world):
        try:
            url = access.url_for(pattern, case.kwargs)
        except NoReverseMatch:
            wrong.append(f"{case.key}: its target {case.target!r} does not give {pattern.arguments}; choose or add one")
            continue
        for index, method in enumerate(("GET", "POST")):
            wanted = case.cells[persona][index]
            data = access_world.post_data.get(case.key, {}) if method == "POST" else None
            sent = access.send(session, method, url, data, watch=method == "POST" and wanted != access.ELSEWHERE)
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
