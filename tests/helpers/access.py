"""The access matrix's machinery: every URL pattern of the project, the personas, and what a request did.

The table itself (who gets what from which URL) is in tests/test_access_matrix.py; this module walks the
URL resolver, builds a concrete address for each pattern from the world's objects, sends the request as
one persona in a savepoint that is rolled back afterwards (so one persona's successful POST never changes
what the next one sees), and says what came back in the table's words.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.contrib import admin
from django.db import connection, transaction
from django.http import HttpResponseBase
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# The personas, in the table's column order.
ANONYMOUS = "anonymous"  # not signed in
OUTSIDER = "outsider"  # olivia: an active account with no CareDesk role
FRONT_LINE = "front-line"  # bob: works complaints, owns none of the world's objects
OWNER = "owner"  # alice: front line, owns the complaint, took the attempt, is the one reviewed
MANAGER = "manager"  # maria, with staff status (as managers have it in the demo)
DEACTIVATED = "deactivated"  # dora: a manager with staff status, signed in, then switched off
SUPERUSER = "superuser"  # root
PERSONAS = (ANONYMOUS, OUTSIDER, FRONT_LINE, OWNER, MANAGER, DEACTIVATED, SUPERUSER)

# What a request may come back as, in the table's words: a status code, or one of these two redirects.
SIGN_IN = "in"  # redirected to a sign-in page (ours or the admin's)
ELSEWHERE = "302"  # redirected anywhere else
# The API (/api/v1/) answers in its own codes: 401 without credentials, 201 created, 409 stale,
# 415 for a form-encoded body (it reads JSON only), 422 refused by a rule.
OUTCOMES = {SIGN_IN, ELSEWHERE, "200", "201", "400", "401", "403", "404", "405", "409", "410", "415", "422"}
SIGN_IN_PATHS = ("/login/", "/admin/login/")


@dataclass(frozen=True)
class Pattern:
    """One URL pattern: its key in the table (namespaced name, or its route when unnamed), route and view."""

    key: str
    route: str
    view: str
    arguments: tuple[str, ...]
    named: bool
    callback: Any = field(compare=False, repr=False)

    def describe(self) -> str:
        return f"{self.key!r} (route {self.route!r}, view {self.view})"


def _view_name(callback: Any) -> str:
    target = getattr(callback, "view_class", None) or getattr(callback, "__wrapped__", None) or callback
    return f"{getattr(target, '__module__', '?')}.{getattr(target, '__qualname__', repr(target))}"


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Pattern]:
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace or namespace
            yield from _walk(entry.url_patterns, route, inner or "")
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            arguments = tuple(entry.pattern.regex.groupindex)
            # An unnamed pattern (a few of the admin's) is known by its route, in brackets.
            yield Pattern(
                key=name or f"{namespace}:[{route}]",
                route=route,
                view=_view_name(entry.callback),
                arguments=arguments,
                named=bool(entry.name),
                callback=entry.callback,
            )


def url_patterns() -> list[Pattern]:
    """Return every URL pattern of the project, found by walking the root resolver (the admin's included)."""
    return list(_walk(get_resolver().url_patterns))


# --- the expected table ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expected:
    """One row of the table: which object fills the URL, and each persona's (GET, POST) outcome."""

    target: str
    cells: Mapping[str, tuple[str, str]]


def parse_table(text: str) -> dict[str, Expected]:
    """Read the table: `key  target  cell × 7`, a cell `GET/POST` or one value for both; `#` starts a comment."""
    rows: dict[str, Expected] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        words = line.split()
        if len(words) != 2 + len(PERSONAS):
            raise ValueError(f"Row {number} needs a key, a target and {len(PERSONAS)} cells: {raw!r}")
        key, target, *cells = words
        pairs = {}
        for persona, cell in zip(PERSONAS, cells, strict=True):
            get, _, post = cell.partition("/")
            pair = (get, post or get)
            if not set(pair) <= OUTCOMES:
                raise ValueError(f"Row {number}: {cell!r} is not one of {sorted(OUTCOMES)} (or two with a '/')")
            pairs[persona] = pair
        if key in rows:
            raise ValueError(f"Row {number}: {key!r} is in the table twice")
        rows[key] = Expected(target=target, cells=pairs)
    return rows


ADMIN_PAGE_NAMES = {"list", "add", "change", "view", "resave", "history", "delete"}


def parse_admin_rules(text: str) -> dict[str, tuple[set[str], set[str]]]:
    """Read the admin's rules: `model  manager's pages  superuser's pages`, pages comma-separated or "-"."""
    rules: dict[str, tuple[set[str], set[str]]] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        words = line.split()
        if len(words) != 3:
            raise ValueError(f"Rule {number} needs a model and two lists of pages: {raw!r}")
        model, *columns = words
        manager, superuser = ({p for p in column.split(",") if p != "-"} for column in columns)
        if not (manager | superuser) <= ADMIN_PAGE_NAMES:
            raise ValueError(f"Rule {number}: pages are some of {sorted(ADMIN_PAGE_NAMES)}: {raw!r}")
        rules[model] = (manager, superuser)
    return rules


def format_row(key: str, target: str, cells: Mapping[str, tuple[str, str]]) -> str:
    """Return a table row, as it would be typed (one value when GET and POST agree)."""
    text = [get if get == post else f"{get}/{post}" for get, post in (cells[p] for p in PERSONAS)]
    return f"{key:<34} {target:<9} " + "".join(f"{cell:<11}" for cell in text).rstrip()


# --- sending requests ----------------------------------------------------------------------------------


def outcome(response: HttpResponseBase) -> str:
    """Return what the response was, in the table's words."""
    if response.status_code in (301, 302, 303, 307, 308):
        location = urlparse(response["Location"])
        return SIGN_IN if location.path in SIGN_IN_PATHS else ELSEWHERE
    return str(response.status_code)


def client_for(session_key: str | None) -> Client:
    """Return a fresh client carrying only the persona's session (no messages, no CSRF cookie left over)."""
    client = Client(raise_request_exception=False)
    if session_key is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    return client


@dataclass
class Sent:
    status: str
    body: bytes
    location: str = ""
    error: str = ""
    changed: bool = False


def send(
    session_key: str | None,
    method: str,
    url: str,
    data: Mapping[str, Any] | None = None,
    *,
    watch: bool = False,
    htmx: bool = False,
) -> Sent:
    """Send one request as the persona whose session this is, and roll back whatever it stored.

    With `watch`, also say whether it changed anything stored (sessions and sign-in logs aside); with
    `htmx`, send it as htmx does (the views answer those with a part of the page).
    """
    client = client_for(session_key)
    headers = {"HX-Request": "true"} if htmx else {}
    with transaction.atomic():
        before = rows_written() if watch else 0
        if method == "GET":
            response = client.get(url, headers=headers)
        else:
            response = client.post(url, data or {}, headers=headers)
        changed = watch and rows_written() != before
        transaction.set_rollback(True)
    body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
    exc_info = getattr(response, "exc_info", None)
    error = f"{exc_info[0].__name__}: {exc_info[1]}" if exc_info else ""
    return Sent(outcome(response), body, response.get("Location", ""), error, changed)


# Tables a request may write without storing anything: the session, django-axes's sign-in logs, and the
# dashboard's roll-up (recovery.rollup), which a report brings up to date from the complaints before it reads.
_CHANGES_SQL = """
    SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_user_tables
    WHERE relname <> 'django_session' AND relname NOT LIKE 'axes%%'
      AND relname NOT IN ('recovery_dailyfigures', 'recovery_dailytimes', 'recovery_dailycauses',
                          'recovery_figureschange', 'recovery_stalemonth')
"""


def rows_written() -> int:
    """Return how many rows this transaction has inserted, updated or deleted so far (PostgreSQL's own count)."""
    with connection.cursor() as cursor:
        cursor.execute(_CHANGES_SQL)
        return int(cursor.fetchone()[0])


@dataclass
class World:
    """What the matrix's URLs are filled from, and each persona's signed-in session."""

    objects: dict[str, Any]
    sessions: dict[str, str | None]
    # The URL arguments each target of the table stands for, and the form data POSTs send (else empty).
    arguments: dict[str, dict[str, Any]]
    post_data: dict[str, dict[str, Any]]


def url_for(pattern: Pattern, kwargs: Mapping[str, Any]) -> str:
    """Return a concrete address for the pattern (unnamed admin patterns are filled in by hand)."""
    if pattern.named:
        return reverse(pattern.key, kwargs=dict(kwargs) or None)
    path = "/" + pattern.route
    for name, value in kwargs.items():
        path = path.replace(f"<path:{name}>", str(value)).replace(f"(?P<{name}>.*)$", str(value))
    return path


# --- the cases: every pattern with its row, the admin's by rule ----------------------------------------

ADMIN_PAGES = {"changelist": "list", "add": "add", "change": "change", "history": "history", "delete": "delete"}


@dataclass(frozen=True)
class Rules:
    """The expected table, the admin's rule per registered model, and the admin app pages a manager opens."""

    expected: dict[str, Expected]
    admin_models: dict[str, tuple[set[str], set[str]]]
    manager_apps: set[str]


@dataclass(frozen=True)
class Case:
    key: str
    target: str
    kwargs: dict[str, Any]
    cells: dict[str, tuple[str, str]]


def _registered() -> dict[str, str]:
    """Return each registered model's admin route prefix ("admin/recovery/complaint/") by its label."""
    return {m._meta.label_lower: f"admin/{m._meta.app_label}/{m._meta.model_name}/" for m in admin.site._registry}


def admin_model_page(pattern: Pattern) -> tuple[str, str] | None:
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
        if persona in (ANONYMOUS, DEACTIVATED):
            cells[persona] = (SIGN_IN, SIGN_IN)
        else:
            cells[persona] = outcomes.get(persona, ("404", "404"))
    return cells


def _page_outcome(pages: set[str], page: str) -> tuple[str, str]:
    if page == "redirect":
        return ELSEWHERE, ELSEWHERE
    if page == "change" and "view" in pages:
        return "200", "403"
    if page == "change" and "resave" in pages:
        return "200", ELSEWHERE
    return ("200", "200") if page in pages else ("403", "403")


def missing_rows(rules: Rules) -> tuple[list[Pattern], list[str], list[str]]:
    """Return the patterns without a row, the registered models without a rule, and rows naming no pattern."""
    patterns = url_patterns()
    no_row, no_rule = [], set()
    for pattern in patterns:
        page = admin_model_page(pattern)
        if page is not None:
            if page[0] not in rules.admin_models:
                no_rule.add(page[0])
        elif pattern.key != "admin:app_list" and pattern.key not in rules.expected:
            no_row.append(pattern)
    keys = {p.key for p in patterns}
    stale = [key for key in rules.expected if key not in keys]
    stale += [model for model in rules.admin_models if model not in _registered()]
    return no_row, sorted(no_rule), stale


def cases(world: World, rules: Rules) -> Iterator[tuple[Pattern, Case]]:
    """Yield every (pattern, case) the matrix requests: one per URL, one per admin app page.

    A pattern without a row or rule is left out here; the test of the rows fails for it.
    """
    for pattern in url_patterns():
        page = admin_model_page(pattern)
        if page is not None:
            model, name = page
            if model not in rules.admin_models:
                continue
            manager, superuser = rules.admin_models[model]
            cells = _admin_cells({MANAGER: _page_outcome(manager, name), SUPERUSER: _page_outcome(superuser, name)})
            kwargs = {"object_id": world.objects[model].pk} if "object_id" in pattern.arguments else {}
            yield pattern, Case(pattern.key, model, kwargs, cells)
        elif pattern.key == "admin:app_list":
            for app_label in sorted({m._meta.app_label for m in admin.site._registry}):
                manager_app = ("200", "200") if app_label in rules.manager_apps else ("404", "404")
                cells = _admin_cells({MANAGER: manager_app, SUPERUSER: ("200", "200")})
                yield pattern, Case(pattern.key, f"app {app_label}", {"app_label": app_label}, cells)
        elif pattern.key in rules.expected:
            row = rules.expected[pattern.key]
            yield pattern, Case(pattern.key, row.target, world.arguments[row.target], dict(row.cells))
