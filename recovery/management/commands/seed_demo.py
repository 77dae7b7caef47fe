"""Load realistic demo data: staff logins in both roles, customers and complaints.

`python manage.py seed_demo` creates the demo staff accounts (or resets their
passwords) and, while the database holds no complaint, about 300 customers in
all five groups and about 200 complaints at every stage of the five-step
recovery: some reopened, some escalated, some with steps marked not needed.
Running it again adds nothing. `--if-empty` only prints the logins once any
complaint exists; `make run` passes it on every start.

Customers are created with `customers.services` and complaints only through
`recovery.workflow`, exactly as the application does, so the demo data obeys
every rule real data does. Only the clock differs: the workflow records "now"
for some times, and the seed moves them back to when each step "happened"
(see the "seed-only time adjustments" section), so timelines look lived-in.
The random generator is seeded, so every run tells the same stories.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AbstractUser, Group
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from accounts.roles import FRONT_LINE, MANAGERS
from common.errors import DomainError
from common.phones import phone_key
from customers.models import Customer, CustomerGroup, Organization
from customers.services import customer_create, organization_get_or_create
from intake.demo import seed_inbox
from policy import selectors as policy_selectors
from policy.bootstrap import ensure_first_version
from policy.models import PolicyAcknowledgement, PolicyVersion
from policy.services import policy_acknowledge, policy_publish
from recovery import demo_text, surveys, workflow
from recovery.bootstrap import ensure_starter_data
from recovery.demo_text import Story
from recovery.models import (
    NOTICE_KINDS,
    STEPS,
    AtonementKind,
    Category,
    Channel,
    Complaint,
    ComplaintEvent,
    EventKind,
    RecoveryAction,
    RecoveryPolicy,
    Reminder,
    ReminderKind,
    ReminderStatus,
    Severity,
    Stage,
)
from recovery.reminders import reminders_reschedule
from training.bootstrap import ensure_starter_modules
from training.demo import seed_training
from webhooks.demo import seed_demo_webhooks

DEMO_PASSWORD = "caredesk-demo"  # noqa: S105 - a published demo password, printed on purpose
SEED = 2026
HISTORY = timedelta(days=119)

CUSTOMERS_PER_GROUP = {
    CustomerGroup.END_USER: 150,
    CustomerGroup.PROSPECT: 45,
    CustomerGroup.DISTRIBUTOR: 40,
    CustomerGroup.SUPPLIER: 35,
    CustomerGroup.EMPLOYEE: 30,
}
# Where the complaints stand today: most old ones are closed, recent ones still open.
COMPLAINTS_AT_STAGE = {
    Stage.APOLOGIZE: 14,
    Stage.REINSTATE: 12,
    Stage.EMPATHIZE: 10,
    Stage.ATONE: 14,
    Stage.FOLLOW_UP: 20,
    Stage.CLOSE: 10,
    Stage.CLOSED: 120,
}
REOPENED = 14
ESCALATED = 16

# Relative weights for the random choices.
COMPLAINING_GROUPS = {
    CustomerGroup.END_USER: 55,
    CustomerGroup.PROSPECT: 10,
    CustomerGroup.DISTRIBUTOR: 12,
    CustomerGroup.SUPPLIER: 8,
    CustomerGroup.EMPLOYEE: 15,
}
SEVERITIES = {Severity.LOW: 30, Severity.MEDIUM: 40, Severity.HIGH: 20, Severity.CRITICAL: 10}
CHANNELS_BY_GROUP: dict[str, dict[Channel, int]] = {
    CustomerGroup.END_USER: {
        Channel.IN_PERSON: 20,
        Channel.PHONE: 30,
        Channel.EMAIL: 25,
        Channel.WEB: 12,
        Channel.LETTER: 5,
        Channel.SOCIAL: 8,
    },
    CustomerGroup.PROSPECT: {
        Channel.IN_PERSON: 25,
        Channel.PHONE: 25,
        Channel.EMAIL: 20,
        Channel.WEB: 20,
        Channel.SOCIAL: 10,
    },
    CustomerGroup.DISTRIBUTOR: {Channel.PHONE: 40, Channel.EMAIL: 50, Channel.IN_PERSON: 5, Channel.LETTER: 5},
    CustomerGroup.SUPPLIER: {Channel.PHONE: 40, Channel.EMAIL: 50, Channel.IN_PERSON: 5, Channel.LETTER: 5},
    CustomerGroup.EMPLOYEE: {Channel.IN_PERSON: 40, Channel.EMAIL: 35, Channel.PHONE: 25},
}
SATISFACTION = {1: 5, 2: 10, 3: 20, 4: 35, 5: 30}
REOPEN_TO = {Stage.APOLOGIZE: 1, Stage.REINSTATE: 4, Stage.EMPATHIZE: 1, Stage.ATONE: 3, Stage.FOLLOW_UP: 2}
SKIP_CHANCE = {Stage.REINSTATE: 0.08, Stage.EMPATHIZE: 0.04, Stage.ATONE: 0.1}


@dataclass(frozen=True)
class DemoAccount:
    """A demo login; `role` is a group name, or empty for the superuser."""

    username: str
    first_name: str
    last_name: str
    role: str


DEMO_ACCOUNTS = (
    DemoAccount("admin", "Ada", "Admin", ""),
    DemoAccount("maria", "Maria", "Moreno", MANAGERS),
    DemoAccount("mark", "Mark", "Mensah", MANAGERS),
    DemoAccount("alice", "Alice", "Archer", FRONT_LINE),
    DemoAccount("bob", "Bob", "Baker", FRONT_LINE),
    DemoAccount("fiona", "Fiona", "Fraser", FRONT_LINE),
)
# Colleagues who are also customers of their colleagues, linked to their own account.
EMPLOYEES_WITH_ACCOUNTS = ("bob", "fiona", "mark")


@dataclass
class Staff:
    """The demo accounts, by role."""

    managers: list[AbstractUser]
    front_line: list[AbstractUser]
    by_username: dict[str, AbstractUser]


@dataclass(frozen=True)
class Move:
    """One workflow call in a complaint's history, `gap` after the call before it."""

    action: str
    actor: AbstractUser
    gap: timedelta
    args: dict[str, Any] = field(default_factory=dict)


@dataclass
class ComplaintSpec:
    """Who complains about what, and how far the recovery has come."""

    customer: Customer
    story: Story
    severity: Severity
    channel: Channel
    owner: AbstractUser
    logged_by: AbstractUser
    final_stage: Stage
    reopen_to: Stage | None
    escalate: bool
    details: dict[str, Any]


class Command(BaseCommand):
    help = "Create demo staff logins and, on an empty database, customers and complaints at every stage."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Only print the demo logins when any complaint exists (do not touch the accounts).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Complaint.objects.exists():
            self.stdout.write("Demo data is already loaded.")
            self._print_logins()
            return
        started = time.monotonic()
        try:
            with transaction.atomic():
                ensure_starter_data(apps)
                # Before the staff: saving them assigns the required modules (training.signals).
                ensure_starter_modules(apps)
                staff = ensure_demo_staff()
                if Complaint.objects.exists():
                    self.stdout.write("Complaints already exist: demo accounts refreshed, nothing else added.")
                else:
                    self._seed(staff, started=started)
        except DomainError as exc:
            raise CommandError(f"Could not load the demo data: {exc.message}") from exc
        self._print_logins()

    def _seed(self, staff: Staff, *, started: float) -> None:
        rng = random.Random(SEED)
        customers = seed_customers(rng, staff=staff)
        now = timezone.now()
        seed_policy(staff=staff, now=now)
        complaints = seed_complaints(rng, staff=staff, customers=customers, now=now)
        # The inbox: complaints customers sent themselves (intake/demo.py), before the emails are marked.
        complaints += seed_inbox(now=now, taker=staff.by_username["alice"])
        mark_acknowledgements_sent(now=now)
        mark_notices_sent(now=now)
        seed_surveys(rng, now=now)
        seed_training(people=staff.by_username, now=now)
        # One webhook endpoint, for the optional receiver (webhooks/demo.py); last, so the history stays unsent.
        seed_demo_webhooks()
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded demo data in {elapsed:.1f} s: {sum(len(c) for c in customers.values())} customers "
                f"({Organization.objects.count()} organisations), {complaints} complaints, "
                f"{RecoveryAction.objects.count()} recovery steps, {ComplaintEvent.objects.count()} timeline events."
            )
        )

    def _print_logins(self) -> None:
        rows = [("username", "role", "name")]
        for account in DEMO_ACCOUNTS:
            role = {MANAGERS: "manager", FRONT_LINE: "front line"}.get(account.role, "superuser")
            rows.append((account.username, role, f"{account.first_name} {account.last_name}"))
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        self.stdout.write(f"\nDemo logins (the password for every one is {DEMO_PASSWORD!r}):")
        for index, row in enumerate(rows):
            line = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            self.stdout.write(f"  {line}".rstrip())
            if index == 0:
                self.stdout.write("  " + "  ".join("-" * width for width in widths))
        self.stdout.write("Sign in at /login/; the admin (/admin/) is for the administrator and managers.")


# --- staff ---------------------------------------------------------------------------------


def ensure_demo_staff() -> Staff:
    """Create the demo accounts, or put them back as documented (password, role, staff flag)."""
    # One hash for all: the accounts share a published password, and hashing is slow on purpose.
    password = make_password(DEMO_PASSWORD)
    groups = {group.name: group for group in Group.objects.filter(name__in=[FRONT_LINE, MANAGERS])}
    staff = Staff(managers=[], front_line=[], by_username={})
    for account in DEMO_ACCOUNTS:
        user, _ = get_user_model().objects.get_or_create(username=account.username)
        user.first_name = account.first_name
        user.last_name = account.last_name
        user.email = f"{account.username}@{demo_text.COMPANY_DOMAIN}"
        user.password = password
        user.is_active = True
        # Staff status opens the admin: the administrator's, and the managers' categories and policies.
        user.is_staff = account.role != FRONT_LINE
        user.is_superuser = not account.role
        user.save()
        user.groups.set([groups[account.role]] if account.role else [])
        staff.by_username[account.username] = user
        if account.role == MANAGERS:
            staff.managers.append(user)
        elif account.role == FRONT_LINE:
            staff.front_line.append(user)
    return staff


# --- the service policy ------------------------------------------------------------------------

POLICY_V2_LIMIT = 75
# Who has not read version 2 yet, so a manager sees both lists filled.
POLICY_V2_NOT_READ = ("mark", "fiona")


def seed_policy(*, staff: Staff, now: datetime) -> None:
    """Publish version 2 of the service policy (a higher limit), read by most of the staff, and version 1 by all.

    Version 1 (the data migration's) is moved back to when the demo's history starts, version 2 to a
    fortnight ago, and each acknowledgement to a day or two after its version.
    """
    ensure_first_version(apps)  # the data migration's, unless the database was emptied since
    first = PolicyVersion.objects.get(number=1)
    second = policy_publish(
        user=staff.by_username["maria"],
        title=first.title,
        body=first.body.replace("Use it: a quick", "Use it, and do not wait to be asked: a quick"),
        change_summary=(
            f"The empowerment limit goes up to {POLICY_V2_LIMIT}: front-line colleagues recovered customers well all "
            "year, and most atonements above the old limit were approved anyway. Clearer words on using it."
        ),
        empowerment_limit=POLICY_V2_LIMIT,
    )
    people = [*staff.managers, *staff.front_line]
    for person in people:
        policy_acknowledge(user=person, version=first)
        if person.username not in POLICY_V2_NOT_READ:
            policy_acknowledge(user=person, version=second)
    for version, published in ((first, now - HISTORY), (second, now - timedelta(days=14))):
        PolicyVersion.objects.filter(pk=version.pk).update(published_at=published)
        for n, acknowledgement in enumerate(PolicyAcknowledgement.objects.filter(version=version).order_by("pk")):
            read_at = published + timedelta(hours=4 + 9 * n)
            PolicyAcknowledgement.objects.filter(pk=acknowledgement.pk).update(acknowledged_at=read_at)


# --- customers -----------------------------------------------------------------------------


def seed_customers(rng: random.Random, *, staff: Staff) -> dict[CustomerGroup, list[Customer]]:
    """Create the demo customers in all five groups; return them by group."""
    creator = staff.by_username["admin"]
    taken = {(user.first_name, user.last_name) for user in staff.by_username.values()}
    names = _unique_names(rng, count=sum(CUSTOMERS_PER_GROUP.values()), taken=taken)
    # Customers are told apart by phone number (a second one with the same number is refused), so no two share one.
    phones = set(Customer.objects.values_list("phone_normalized", flat=True))
    customers: dict[CustomerGroup, list[Customer]] = {}
    for group, count in CUSTOMERS_PER_GROUP.items():
        group_names, names = names[:count], names[count:]
        if group in (CustomerGroup.DISTRIBUTOR, CustomerGroup.SUPPLIER):
            customers[group] = _seed_business_contacts(
                rng, group=group, names=group_names, creator=creator, phones=phones
            )
        elif group == CustomerGroup.EMPLOYEE:
            customers[group] = _seed_employees(rng, names=group_names, staff=staff, creator=creator)
        else:
            customers[group] = [
                _seed_person(rng, group=group, name=name, creator=creator, phones=phones) for name in group_names
            ]
    return customers


def _unique_names(rng: random.Random, *, count: int, taken: set[tuple[str, str]]) -> list[tuple[str, str]]:
    names: list[tuple[str, str]] = []
    seen = set(taken)
    while len(names) < count:
        name = (rng.choice(demo_text.FIRST_NAMES), rng.choice(demo_text.LAST_NAMES))
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def _email_local_part(first: str, last: str) -> str:
    return f"{first}.{last}".lower().replace("'", "").replace(" ", "")


def _free_number(pattern: str, drawn: int, phones: set[str]) -> str:
    """Return the pattern's number for `drawn` (0–999), or the next one no customer has yet (`phones`, normalised)."""
    for offset in range(1000):
        number = pattern.format((drawn + offset) % 1000)
        if phone_key(number) not in phones:
            phones.add(phone_key(number))
            return number
    raise DomainError(f"Every demo number like {pattern.format(0)} is taken.")


def _mobile(rng: random.Random, phones: set[str]) -> str:
    return _free_number("+44 7700 900{:03d}", rng.randint(0, 999), phones)


def _landline(rng: random.Random, phones: set[str]) -> str:
    return _free_number("+44 20 7946 0{:03d}", rng.randint(0, 999), phones)


def _seed_person(
    rng: random.Random, *, group: CustomerGroup, name: tuple[str, str], creator: AbstractUser, phones: set[str]
) -> Customer:
    """Create an end-user or a prospect: some give only a phone number or only an e-mail."""
    first, last = name
    has_email = rng.random() < (0.85 if group == CustomerGroup.END_USER else 0.7)
    has_phone = not has_email or rng.random() < 0.6
    domain = rng.choice(demo_text.PERSONAL_EMAIL_DOMAINS)
    return customer_create(
        user=creator,
        name=f"{first} {last}",
        group=group,
        email=f"{_email_local_part(first, last)}@{domain}" if has_email else "",
        phone=_mobile(rng, phones) if has_phone else "",
        consents_to_contact=rng.random() < (0.6 if group == CustomerGroup.END_USER else 0.35),
    )


def _organization_domain(name: str) -> str:
    words = [word for word in name.lower().replace("&", " ").replace(".", " ").split() if word not in {"ltd", "co"}]
    return "-".join(words[:2]) + ".example"


def _seed_business_contacts(
    rng: random.Random,
    *,
    group: CustomerGroup,
    names: Sequence[tuple[str, str]],
    creator: AbstractUser,
    phones: set[str],
) -> list[Customer]:
    """Create distributor or supplier contacts, a few per organisation."""
    companies = demo_text.DISTRIBUTORS if group == CustomerGroup.DISTRIBUTOR else demo_text.SUPPLIERS
    organizations = [organization_get_or_create(name=company) for company in companies]
    contacts = []
    for index, (first, last) in enumerate(names):
        organization = organizations[index % len(organizations)]
        contacts.append(
            customer_create(
                user=creator,
                name=f"{first} {last}",
                group=group,
                email=f"{_email_local_part(first, last)}@{_organization_domain(organization.name)}",
                phone=_landline(rng, phones),
                organization=organization,
                consents_to_contact=rng.random() < 0.9,
            )
        )
    return contacts


def _seed_employees(
    rng: random.Random, *, names: Sequence[tuple[str, str]], staff: Staff, creator: AbstractUser
) -> list[Customer]:
    """Create colleagues as internal customers; a few are linked to their own CareDesk account."""
    employees = []
    for username in EMPLOYEES_WITH_ACCOUNTS:
        user = staff.by_username[username]
        employees.append(
            customer_create(
                user=creator,
                name=user.get_full_name(),
                group=CustomerGroup.EMPLOYEE,
                email=user.email,
                phone=f"ext. {rng.randint(2000, 4999)}",
                consents_to_contact=True,
                staff_user=user,
            )
        )
    for first, last in names[len(EMPLOYEES_WITH_ACCOUNTS) :]:
        employees.append(
            customer_create(
                user=creator,
                name=f"{first} {last}",
                group=CustomerGroup.EMPLOYEE,
                email=f"{_email_local_part(first, last)}@{demo_text.COMPANY_DOMAIN}",
                phone=f"ext. {rng.randint(2000, 4999)}",
                consents_to_contact=True,
            )
        )
    return employees


# --- complaints: who complains about what ------------------------------------------------------


def seed_complaints(
    rng: random.Random, *, staff: Staff, customers: dict[CustomerGroup, list[Customer]], now: datetime
) -> int:
    """Create the demo complaints through the workflow and give their timelines past times; return how many."""
    categories = {category.name: category for category in Category.objects.all()}
    policies = {policy.severity: policy for policy in RecoveryPolicy.objects.all()}
    specs = plan_complaints(rng, staff=staff, customers=customers)
    events: list[ComplaintEvent] = []
    for spec in specs:
        moves = plan_history(rng, spec=spec, staff=staff, policies=policies)
        times = _schedule(rng, spec=spec, moves=moves, now=now, policies=policies)
        complaint = _replay(spec=spec, moves=moves, times=times, category=categories[spec.story.category])
        events.extend(_backdated_events(complaint, times))
    ComplaintEvent.objects.bulk_update(events, ["created_at", "payload"], batch_size=500)
    return len(specs)


def mark_acknowledgements_sent(*, now: datetime) -> int:
    """Count the acknowledgements of complaints received before the last hour as sent when they came in.

    The seed runs no worker; without this, the first start would email every demo customer at once
    about complaints they made months ago. The last hour's still go out, so a demo shows one land.
    """
    due = list(
        Reminder.objects.filter(
            kind=ReminderKind.ACKNOWLEDGEMENT,
            status=ReminderStatus.PENDING,
            complaint__received_at__lte=now - timedelta(hours=1),
        ).select_related("complaint")
    )
    events = []
    for reminder in due:
        complaint = reminder.complaint
        reminder.status = ReminderStatus.SENT
        reminder.sent_at = complaint.received_at + timedelta(minutes=1)
        events.append(
            ComplaintEvent(
                complaint=complaint,
                kind=EventKind.REMINDER_SENT,
                created_at=reminder.sent_at,
                stage_before=Stage.APOLOGIZE,
                stage_after=Stage.APOLOGIZE,
                payload={"reminder": reminder.kind, "step": reminder.step, "to": reminder.recipient_email},
            )
        )
    Reminder.objects.bulk_update(due, ["status", "sent_at"], batch_size=500)
    ComplaintEvent.objects.bulk_create(events, batch_size=500)
    return len(due)


def mark_notices_sent(*, now: datetime) -> int:
    """Count the new owners' notices of hand-overs before the last hour as sent when they happened.

    As for acknowledgements: without this the first start would email every demo manager and handler
    about escalations and reassignments made months ago. Returns how many.
    """
    due = list(
        Reminder.objects.filter(
            kind__in=NOTICE_KINDS, status=ReminderStatus.PENDING, event__created_at__lte=now - timedelta(hours=1)
        ).select_related("complaint", "event")
    )
    events = []
    for reminder in due:
        hand_over = cast(ComplaintEvent, reminder.event)  # a notice always has its hand-over event
        reminder.status = ReminderStatus.SENT
        reminder.sent_at = hand_over.created_at + timedelta(minutes=1)
        events.append(
            ComplaintEvent(
                complaint=reminder.complaint,
                kind=EventKind.REMINDER_SENT,
                created_at=reminder.sent_at,
                stage_before=hand_over.stage_after,
                stage_after=hand_over.stage_after,
                payload={"reminder": reminder.kind, "step": reminder.step, "to": reminder.recipient_email},
            )
        )
    Reminder.objects.bulk_update(due, ["status", "sent_at"], batch_size=500)
    ComplaintEvent.objects.bulk_create(events, batch_size=500)
    return len(due)


def seed_surveys(rng: random.Random, *, now: datetime) -> int:
    """Let most customers whose follow-up survey went out already have answered it; return how many.

    Only complaints waiting for their follow-up: there the answer shows on the page and fills in the
    follow-up form, which is what a demo should show. The survey email counts as sent on the
    follow-up day (the seed runs no worker); the answer goes through `surveys.survey_answer`.
    """
    due = (
        Reminder.objects.filter(
            kind=ReminderKind.CUSTOMER_SURVEY,
            status=ReminderStatus.PENDING,
            due_at__lte=now - timedelta(hours=2),
            complaint__stage=Stage.FOLLOW_UP,
        )
        .select_related("complaint", "complaint__customer", "complaint__owner")
        .order_by("pk")
    )
    answered = 0
    for reminder in due:
        complaint = reminder.complaint
        Reminder.objects.filter(pk=reminder.pk).update(status=ReminderStatus.SENT, sent_at=reminder.due_at)
        ComplaintEvent.objects.create(
            complaint=complaint,
            kind=EventKind.REMINDER_SENT,
            created_at=reminder.due_at,
            stage_before=complaint.stage,
            stage_after=complaint.stage,
            payload={"reminder": ReminderKind.CUSTOMER_SURVEY, "step": Stage.FOLLOW_UP, "to": reminder.recipient_email},
        )
        survey = surveys.survey_invite(complaint=complaint)
        surveys.survey_mark_sent(complaint=complaint, at=reminder.due_at)
        if rng.random() < 0.25:
            continue  # not everyone answers
        score = rng.choice([5, 5, 4, 4, 4, 3, 2])
        colleague = (complaint.owner.first_name or complaint.owner.get_username()) if complaint.owner else "the team"
        comment = rng.choice(demo_text.CUSTOMER_COMMENTS[score]).format(colleague=colleague)
        at = min(reminder.due_at + timedelta(hours=rng.uniform(1, 30)), now - timedelta(minutes=30))
        surveys.survey_answer(
            token=surveys.survey_token(survey),
            satisfaction=score,
            would_return=rng.random() < demo_text.RETENTION_BY_SATISFACTION[score],
            comment=comment,
            now=at,
        )
        answered += 1
    return answered


def _weighted(rng: random.Random, weights: dict[Any, int]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def plan_complaints(
    rng: random.Random, *, staff: Staff, customers: dict[CustomerGroup, list[Customer]]
) -> list[ComplaintSpec]:
    """Decide who complains about what, and where each complaint stands today."""
    final_stages = [stage for stage, count in COMPLAINTS_AT_STAGE.items() for _ in range(count)]
    rng.shuffle(final_stages)
    reopened = set(rng.sample(range(len(final_stages)), REOPENED))
    escalated = set(rng.sample(range(len(final_stages)), ESCALATED))
    stories = {group: [s for s in demo_text.STORIES if group in s.groups] for group in CustomerGroup}
    specs = []
    for index, final_stage in enumerate(final_stages):
        group = _weighted(rng, COMPLAINING_GROUPS)
        customer = rng.choice(customers[group])
        colleagues = [user for user in staff.by_username.values() if user.pk != customer.staff_user_id]
        front_line = [user for user in staff.front_line if user in colleagues]
        managers = [user for user in staff.managers if user in colleagues]
        owner = rng.choice(front_line if rng.random() < 0.85 else managers)
        logged_by = owner if rng.random() < 0.85 else rng.choice(front_line)
        specs.append(
            ComplaintSpec(
                customer=customer,
                story=rng.choice(stories[group]),
                severity=_weighted(rng, SEVERITIES),
                channel=_weighted(rng, CHANNELS_BY_GROUP[group]),
                owner=owner,
                logged_by=logged_by,
                final_stage=final_stage,
                reopen_to=_reopen_step(rng, final_stage) if index in reopened else None,
                escalate=index in escalated and owner in front_line,
                details=_details(rng, customer=customer, owner=owner),
            )
        )
    return specs


def _reopen_step(rng: random.Random, final_stage: Stage) -> Stage:
    """Pick the step that failed; the second round must reach at least `final_stage`'s step."""
    last = STEPS.index(final_stage) if final_stage in STEPS else len(STEPS) - 1
    return Stage(_weighted(rng, {step: weight for step, weight in REOPEN_TO.items() if STEPS.index(step) <= last}))


def _details(rng: random.Random, *, customer: Customer, owner: AbstractUser) -> dict[str, Any]:
    """Return the values for a story's placeholders."""
    return {
        "first_name": customer.name.split()[0],
        "org": customer.organization.name if customer.organization else "the customer",
        "colleague": owner.first_name,
        "product": rng.choice(demo_text.PRODUCTS),
        "order": f"BW-{rng.randint(100_000, 999_999)}",
        "invoice": f"INV-{rng.randint(20_000, 99_999)}",
        "town": rng.choice(demo_text.TOWNS),
        "weekday": rng.choice(demo_text.WEEKDAYS),
        "courier": rng.choice(demo_text.COURIERS),
        "days": rng.randint(3, 21),
        "qty": rng.choice((12, 24, 36, 48, 60, 120)),
        "amount": f"{rng.randint(25, 900)}.{rng.choice(('00', '49', '95', '99'))}",
    }


# --- complaints: their history -------------------------------------------------------------------


def _hours(rng: random.Random, low: float, high: float) -> timedelta:
    return timedelta(hours=rng.uniform(low, max(low, high)))


def plan_history(
    rng: random.Random, *, spec: ComplaintSpec, staff: Staff, policies: dict[str, RecoveryPolicy]
) -> list[Move]:
    """Return the workflow calls that take the complaint from logged to `spec.final_stage`."""
    text = _Text(spec.details)
    log_args = {
        "customer": spec.customer,
        "channel": spec.channel,
        "severity": spec.severity,
        "summary": text(spec.story.summary),
        "description": text(spec.story.description),
        "desired_remedy": text(spec.story.remedy),
        "owner": spec.owner,
    }
    moves = [Move("log", spec.logged_by, timedelta(0), log_args)]
    rounds = [(Stage.APOLOGIZE, spec.final_stage)]
    if spec.reopen_to is not None:
        rounds = [(Stage.APOLOGIZE, Stage.CLOSED), (spec.reopen_to, spec.final_stage)]
    first_round_steps = _steps_between(*rounds[0])
    extras = _plan_extras(rng, spec=spec, staff=staff, positions=len(first_round_steps) + 1)
    handler = spec.owner
    severity: str = spec.severity
    for round_index, (first, last) in enumerate(rounds):
        steps = _steps_between(first, last)
        if round_index:
            reason = text(rng.choice(demo_text.REOPEN_REASONS[first]))
            moves.append(
                Move("reopen", handler, timedelta(days=rng.uniform(1, 20)), {"to_step": first, "reason": reason})
            )
        for position in range(len(steps) + 1):
            for extra in extras.get((round_index, position), ()):
                handler, raised = _add_extra(rng, moves, extra, spec=spec, staff=staff, handler=handler, text=text)
                severity = raised or severity
            if position < len(steps):
                move = _step_move(
                    rng, steps[position], spec=spec, handler=handler, policy=policies[severity], text=text
                )
                moves.append(_within_empowerment(rng, move, spec=spec, staff=staff))
        if last == Stage.CLOSED:
            moves.append(_close_move(rng, spec=spec, handler=handler, text=text))
    return moves


class _Text:
    """Fill a story's placeholders with this complaint's details."""

    def __init__(self, details: dict[str, Any]) -> None:
        self.details = details

    def __call__(self, template: str, **more: Any) -> str:
        return template.format_map({**self.details, **more})


def _steps_between(first: Stage, last: Stage) -> list[Stage]:
    """Return the steps from `first` up to, not including, the stage `last`."""
    stop = STEPS.index(last) if last in STEPS else len(STEPS)
    return list(STEPS[STEPS.index(first) : stop])


def _plan_extras(
    rng: random.Random, *, spec: ComplaintSpec, staff: Staff, positions: int
) -> dict[tuple[int, int], list[str]]:
    """Decide which extra events happen in the first round, and before which step."""
    extras: dict[tuple[int, int], list[str]] = {}
    if rng.random() < 0.06 and spec.owner in staff.front_line:
        extras.setdefault((0, rng.randrange(positions)), []).append("assign")
    if spec.escalate:
        # Usually after the apology: a handler steps back once they know what the case is about.
        extras.setdefault((0, rng.randrange(min(1, positions - 1), positions)), []).append("escalate")
    if rng.random() < 0.25:
        extras.setdefault((0, rng.randrange(positions)), []).append("note")
    if spec.severity != Severity.CRITICAL and rng.random() < 0.06:
        extras.setdefault((0, rng.randrange(positions)), []).append("raise_severity")
    return extras


def _add_extra(
    rng: random.Random,
    moves: list[Move],
    extra: str,
    *,
    spec: ComplaintSpec,
    staff: Staff,
    handler: AbstractUser,
    text: _Text,
) -> tuple[AbstractUser, str]:
    """Append the moves for one extra event; return the handler and severity after it."""
    others = [user for user in staff.front_line if user.pk not in (handler.pk, spec.customer.staff_user_id)]
    is_front_line = handler in staff.front_line
    if extra == "assign" and is_front_line and others:
        colleague = rng.choice(others)
        moves.append(Move("assign", handler, _hours(rng, 0.2, 20), {"to": colleague}))
        return colleague, ""
    if extra == "escalate" and is_front_line:
        managers = [user for user in staff.managers if user.pk != spec.customer.staff_user_id]
        manager = rng.choice(managers)
        reasons = demo_text.ESCALATION_REASONS + demo_text.ESCALATION_REASONS_BY_GROUP.get(spec.customer.group, ())
        reason = rng.choice(reasons)
        moves.append(Move("escalate", handler, _hours(rng, 0.2, 6), {"to": manager, "reason": reason}))
        return manager, ""
    if extra == "note":
        clarifications = demo_text.CLARIFICATIONS_GENERAL + demo_text.CLARIFICATIONS.get(spec.story.category, ())
        moves.append(Move("note", handler, _hours(rng, 0.1, 24), {"text": text(rng.choice(clarifications))}))
    if extra == "raise_severity":
        order = list(Severity)
        raised = order[order.index(spec.severity) + 1]
        moves.append(Move("note", handler, _hours(rng, 0.1, 12), {"text": rng.choice(demo_text.SEVERITY_RAISED)}))
        moves.append(Move("edit", handler, _hours(rng, 0.02, 0.3), {"severity": raised}))
        return handler, raised
    return handler, ""


def _step_move(
    rng: random.Random, step: Stage, *, spec: ComplaintSpec, handler: AbstractUser, policy: RecoveryPolicy, text: _Text
) -> Move:
    """Return the move that does (or skips) one recovery step, with a realistic delay before it."""
    if step == Stage.APOLOGIZE:
        late = rng.random() < 0.12
        gap = _hours(rng, 0.05, policy.hours_to_apologize * 0.8) * (rng.uniform(1.3, 3) if late else 1)
        note = text(rng.choice(demo_text.APOLOGIES[spec.channel]))
        return Move("apologize", handler, gap, {"note": note, "minutes": rng.randint(3, 20)})
    if step == Stage.FOLLOW_UP:
        return _follow_up_move(rng, spec=spec, handler=handler, policy=policy, text=text)
    gaps = {
        Stage.REINSTATE: _hours(rng, 0.3, policy.hours_to_reinstate * 0.6),
        Stage.EMPATHIZE: _hours(rng, 0.1, 8),
        Stage.ATONE: _hours(rng, 2, policy.days_to_atone * 24 * 0.5),
    }
    gap = gaps[step]
    if rng.random() < SKIP_CHANCE[step]:
        reasons = demo_text.SKIP_REASONS[step]
        if step == Stage.ATONE and spec.customer.group in (CustomerGroup.DISTRIBUTOR, CustomerGroup.SUPPLIER):
            reasons = (*reasons, demo_text.TRADE_ATONE_SKIP_REASON)
        return Move("skip", handler, gap, {"step": step, "reason": rng.choice(reasons)})
    if step == Stage.REINSTATE:
        return Move("reinstate", handler, gap, {"note": text(spec.story.fix), "minutes": rng.randint(10, 120)})
    if step == Stage.EMPATHIZE:
        return Move(
            "empathize", handler, gap, {"note": text(rng.choice(demo_text.EMPATHY)), "minutes": rng.randint(5, 30)}
        )
    atonement = rng.choice(spec.story.atonements)
    value = None if atonement.kind == AtonementKind.NOTHING else rng.randint(atonement.low, atonement.high)
    note = text(atonement.note, value=value, percent=rng.choice((5, 10, 15)))
    args = {"kind": atonement.kind, "value": value, "note": note, "minutes": rng.randint(10, 45)}
    return Move("atone", handler, gap, args)


def _within_empowerment(rng: random.Random, move: Move, *, spec: ComplaintSpec, staff: Staff) -> Move:
    """Return the move, an atonement above the front line's limit recorded by a manager who approved it."""
    limit = policy_selectors.empowerment_limit()
    value = move.args.get("value")
    if move.action != "atone" or value is None or limit is None or value <= limit or move.actor in staff.managers:
        return move
    managers = [user for user in staff.managers if user.pk != spec.customer.staff_user_id]
    return Move(move.action, rng.choice(managers), move.gap, move.args)


def _follow_up_move(
    rng: random.Random, *, spec: ComplaintSpec, handler: AbstractUser, policy: RecoveryPolicy, text: _Text
) -> Move:
    score: int = _weighted(rng, SATISFACTION)
    is_colleague = spec.customer.group == CustomerGroup.EMPLOYEE
    comments = demo_text.COLLEAGUE_COMMENTS if is_colleague else demo_text.CUSTOMER_COMMENTS
    args = {
        "satisfaction": score,
        "retained": rng.random() < demo_text.RETENTION_BY_SATISFACTION[score],
        "customer_comment": text(rng.choice(comments[score])),
        "note": text(rng.choice(demo_text.FOLLOW_UP_NOTES)),
        "minutes": rng.randint(5, 20),
    }
    return Move("follow_up", handler, timedelta(days=policy.days_to_follow_up * rng.uniform(0.8, 1.3)), args)


def _close_move(rng: random.Random, *, spec: ComplaintSpec, handler: AbstractUser, text: _Text) -> Move:
    args: dict[str, Any] = {}
    if rng.random() < 0.75:
        args = {"root_cause": text(spec.story.root_cause), "corrective_action": text(spec.story.corrective_action)}
    return Move("close", handler, _hours(rng, 0.2, 30), args)


def _schedule(
    rng: random.Random,
    *,
    spec: ComplaintSpec,
    moves: Sequence[Move],
    now: datetime,
    policies: dict[str, RecoveryPolicy],
) -> list[datetime]:
    """Return when each move happened: one after another, the last one before now.

    Closed complaints are spread over the whole history; open ones are recent,
    a few of them overdue, as in any real queue.
    """
    duration = sum((move.gap for move in moves), timedelta(0))
    if spec.final_stage == Stage.CLOSED:
        idle = timedelta(seconds=rng.uniform(0, max(0.0, (HISTORY - duration).total_seconds())))
    elif spec.final_stage == Stage.FOLLOW_UP:
        # About half are on or past their follow-up day, so their customers have had the survey.
        idle = timedelta(days=rng.uniform(0.2, 1.6) * policies[spec.severity].days_to_follow_up)
    else:
        idle = _hours(rng, 0.1, 36) if rng.random() < 0.8 else timedelta(days=rng.uniform(2, 12))
    idle = min(idle, max(timedelta(0), HISTORY - duration))
    at = now - duration - idle
    times = []
    for move in moves:
        at += move.gap
        times.append(min(_office_hours(at), now))
    return times


def _office_hours(at: datetime) -> datetime:
    """Squeeze the day of `at` (UTC) into 08:00-18:00, keeping every event in order.

    People log and work complaints in office hours, not at 3 am. The mapping
    only ever moves a time within its own day and never swaps two times.
    """
    midnight = at.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight + timedelta(hours=8) + (at - midnight) * (10 / 24)


def _replay(*, spec: ComplaintSpec, moves: Sequence[Move], times: Sequence[datetime], category: Category) -> Complaint:
    """Make the workflow calls, each at its time, and return the complaint."""
    complaint = workflow.complaint_log(user=moves[0].actor, category=category, received_at=times[0], **moves[0].args)
    _backdate_logging(complaint, at=times[0])
    for move, at in zip(moves[1:], times[1:], strict=True):
        _perform(complaint, move, at)
    return complaint


def _perform(complaint: Complaint, move: Move, at: datetime) -> None:
    """Make one workflow call; `at` is when it happened."""
    user, args = move.actor, move.args
    match move.action:
        case "apologize":
            workflow.complaint_apologize(complaint=complaint, user=user, done_at=at, **args)
        case "reinstate":
            workflow.complaint_reinstate(complaint=complaint, user=user, done_at=at, **args)
        case "empathize":
            workflow.complaint_empathize(complaint=complaint, user=user, done_at=at, **args)
        case "atone":
            workflow.complaint_atone(complaint=complaint, user=user, done_at=at, **args)
        case "follow_up":
            workflow.complaint_follow_up(complaint=complaint, user=user, done_at=at, **args)
        case "skip":
            workflow.complaint_skip_step(complaint=complaint, user=user, **args)
            _backdate_skipped_step(complaint, step=args["step"], at=at)
        case "assign":
            workflow.complaint_assign(complaint=complaint, user=user, **args)
        case "escalate":
            workflow.complaint_escalate(complaint=complaint, user=user, **args)
            Complaint.objects.filter(pk=complaint.pk).update(escalated_at=at)
        case "note":
            workflow.complaint_add_note(complaint=complaint, user=user, **args)
        case "edit":
            workflow.complaint_edit(complaint=complaint, user=user, **args)
        case "close":
            workflow.complaint_close(complaint=complaint, user=user, **args)
            Complaint.objects.filter(pk=complaint.pk).update(closed_at=at)
        case "reopen":
            workflow.complaint_reopen(complaint=complaint, user=user, **args)
            _backdate_reopening(complaint, at=at)
        case _:
            raise CommandError(f"Unknown demo move {move.action!r}.")


# --- seed-only time adjustments ----------------------------------------------------------------
#
# The workflow stamps events, skipped steps, escalations, closings and reopenings
# with the current time, which is right for the application. The seed tells
# stories that happened over the last months, so straight after each such call
# it moves that one timestamp back to when the step "happened", using the same
# rules the workflow uses for due times. Nothing outside this command may do this.


@transaction.atomic
def _backdate_logging(complaint: Complaint, *, at: datetime) -> None:
    """Log the complaint when it was received (as the story goes), timing its apology and reminders from then."""
    current = Complaint.objects.select_for_update(of=("self",)).select_related("owner", "customer").get(pk=complaint.pk)
    policy = RecoveryPolicy.objects.get(severity=current.severity)
    current.round_started_at = at
    current.step_due_at = policy.due_at(current.stage, round_started_at=at)
    current.step_escalates_at = policy.escalates_at(current.step_due_at)
    current.save(update_fields=["round_started_at", "step_due_at", "step_escalates_at"])
    reminders_reschedule(complaint=current)


def _backdate_skipped_step(complaint: Complaint, *, step: Stage, at: datetime) -> None:
    """Give a skipped step its past time, so that later steps may follow it."""
    current = Complaint.objects.only("round", "stage", "severity", "round_started_at").get(pk=complaint.pk)
    RecoveryAction.objects.filter(complaint=complaint, round=current.round, step=step).update(done_at=at)
    if step == Stage.ATONE:
        # The follow-up falls due a number of days after the atonement (here: its skipping).
        policy = RecoveryPolicy.objects.get(severity=current.severity)
        due = policy.due_at(current.stage, round_started_at=current.round_started_at, atoned_at=at)
        Complaint.objects.filter(pk=complaint.pk).update(step_due_at=due, step_escalates_at=policy.escalates_at(due))


def _backdate_reopening(complaint: Complaint, *, at: datetime) -> None:
    """Start the new round when the reopening "happened", and move its first step's due time with it."""
    current = Complaint.objects.only("stage", "severity").get(pk=complaint.pk)
    policy = RecoveryPolicy.objects.get(severity=current.severity)
    due = policy.due_at(current.stage, round_started_at=at, atoned_at=at)
    Complaint.objects.filter(pk=complaint.pk).update(
        round_started_at=at, step_due_at=due, step_escalates_at=policy.escalates_at(due)
    )


def _backdated_events(complaint: Complaint, times: Sequence[datetime]) -> list[ComplaintEvent]:
    """Return the complaint's events with `created_at` set to when each call happened.

    Every workflow call writes exactly one event, in order, so the n-th event
    belongs to the n-th call. For the calls that take a time, that is the
    payload's "received_at" or "done_at"; a skipped step's payload gets its
    past time too.
    """
    events = list(ComplaintEvent.objects.filter(complaint=complaint).order_by("pk"))
    if len(events) != len(times):
        raise CommandError(
            f"{complaint.reference} has {len(events)} events for {len(times)} workflow calls; "
            "the seed expects exactly one event per call."
        )
    for event, at in zip(events, times, strict=True):
        event.created_at = at
        if event.kind == EventKind.STEP_SKIPPED:
            event.payload = {**event.payload, "done_at": at.isoformat()}
    return events
