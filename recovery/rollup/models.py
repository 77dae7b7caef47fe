"""The roll-up's tables: each day's figures per cohort and slice, and the changes still to fold in."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Now


class Cohort(models.IntegerChoices):
    """Which complaints a row counts, by the day of which moment."""

    RECEIVED = 1, "received that day"
    CLOSED = 2, "closed that day"
    SURVEYED = 3, "surveys sent that day"


# The narrowings a row can be for, as bits of `DailyFigures.slice`: 0 is every complaint of the day.
GROUP, SEVERITY, CATEGORY, HANDLER = 1, 2, 4, 8
NARROWINGS = (GROUP, SEVERITY, CATEGORY, HANDLER)
# Every slice counted: none, each narrowing alone, and each pair of them. The dashboard narrows by at most
# one thing on the roll-up and splits the figures by another (by group, by category, by handler).
SLICES = (0, *NARROWINGS, *(a | b for i, a in enumerate(NARROWINGS) for b in NARROWINGS[i + 1 :]))


# The slices whose step times are kept (DailyTimes): the headline figures' narrowings; and, for the time to
# apologize, each narrowing by handler (the handler table's median under a narrowing).
SINGLE_SLICES = (0, *NARROWINGS)
APOLOGY_SLICES = (*SINGLE_SLICES, *(bit | HANDLER for bit in (GROUP, SEVERITY, CATEGORY)))


class Slice(models.Model):
    """What a row of the roll-up is about: a cohort, a day, and a slice of the complaints.

    `slice` says which narrowings the row is for (bits); the columns it does not split by hold their
    empty value ("" or 0). A month row (`month`, `day` its first day) adds up the month's day rows, so a
    long period reads a row a month, not a row a day. Rows split by handler are also split by `split`: the
    condition another app registered (recovery.rollup.splits; training's "the handler had passed the
    five-step recovery before the complaint was received"), false for every other row.
    """

    cohort = models.PositiveSmallIntegerField(choices=Cohort.choices)
    day = models.DateField()
    slice = models.PositiveSmallIntegerField(help_text="Which narrowings this row is for (bits).")
    customer_group = models.CharField(max_length=20, default="", blank=True)
    severity = models.CharField(max_length=10, default="", blank=True)
    category_pk = models.IntegerField(default=0)
    handler_pk = models.IntegerField(default=0)
    split = models.BooleanField(default=False)
    month = models.BooleanField(
        default=False, db_default=False, help_text="A whole calendar month (`day` is its first day), not a day."
    )

    class Meta:
        abstract = True


class DailyFigures(Slice):
    """One local day's (or month's) counts and sums for one cohort and slice (say: received on 3 May,
    distributors, by handler). They add up over days. Written only by recovery.rollup.build, a whole
    (cohort, day) at once, with its month row."""

    complaints = models.IntegerField(help_text="Complaints received or closed, or surveys sent.")
    # Received that day.
    repeats = models.IntegerField(default=0, db_default=0)
    minutes = models.BigIntegerField(default=0, db_default=0)
    timed_apologize = models.IntegerField(default=0, db_default=0)
    timed_reinstate = models.IntegerField(default=0, db_default=0)
    timed_empathize = models.IntegerField(default=0, db_default=0)
    timed_atone = models.IntegerField(default=0, db_default=0)
    timed_follow_up = models.IntegerField(default=0, db_default=0)
    ontime_apologize = models.IntegerField(default=0, db_default=0)
    ontime_reinstate = models.IntegerField(default=0, db_default=0)
    ontime_empathize = models.IntegerField(default=0, db_default=0)
    ontime_atone = models.IntegerField(default=0, db_default=0)
    ontime_follow_up = models.IntegerField(default=0, db_default=0)
    # Closed that day.
    retained = models.IntegerField(default=0, db_default=0)
    lost = models.IntegerField(default=0, db_default=0)
    with_cause = models.IntegerField(default=0, db_default=0)
    atonement = models.DecimalField(max_digits=16, decimal_places=2, default=0, db_default=0)
    follow_ups = models.IntegerField(default=0, db_default=0)
    satisfaction_sum = models.IntegerField(default=0, db_default=0)
    satisfied = models.IntegerField(default=0, db_default=0)
    # Surveys sent that day.
    answered = models.IntegerField(default=0, db_default=0)

    class Meta:
        verbose_name_plural = "daily figures"
        indexes = [
            models.Index(fields=["cohort", "slice", "month", "day"], name="dailyfigures_slice_day_idx"),
            # A narrowed dashboard reads its value's rows only.
            *(
                models.Index(
                    fields=[column, "cohort", "slice", "month", "day"],
                    condition=~models.Q(**{column: empty}),
                    name=f"dailyfigures_{column[:8]}_idx",
                )
                for column, empty in (("customer_group", ""), ("severity", ""), ("category_pk", 0), ("handler_pk", 0))
            ),
        ]

    def __str__(self) -> str:
        return f"{Cohort(self.cohort).label}: {self.day:%Y-%m-%d}, slice {self.slice}"


class DailyTimes(Slice):
    """Step times counted in buckets ({bucket: count}, recovery.rollup.histogram) for one day or month, one
    cohort and slice (APOLOGY_SLICES)."""

    apology = models.JSONField(null=True, blank=True, help_text="Received: receipt to the apology.")
    reinstate = models.JSONField(null=True, blank=True, help_text="Received: receipt to reinstating.")
    close = models.JSONField(null=True, blank=True, help_text="Closed: receipt to close.")

    class Meta:
        verbose_name_plural = "daily times"
        indexes = [models.Index(fields=["cohort", "slice", "month", "day"], name="dailytimes_slice_day_idx")]

    def __str__(self) -> str:
        return f"Times {Cohort(self.cohort).label}: {self.day:%Y-%m-%d}{' (month)' if self.month else ''}"


class DailyCauses(Slice):
    """How many complaints closed on one day gave each root cause (as grouped: lower-cased, trimmed), for
    the slices SINGLE_SLICES (day rows only: `month` is always false)."""

    cause = models.TextField()
    complaints = models.IntegerField()

    class Meta:
        verbose_name_plural = "daily causes"
        indexes = [
            models.Index(fields=["slice", "day"], name="dailycauses_slice_day_idx"),
            models.Index(fields=["day"], name="dailycauses_day_idx"),  # a recount deletes a day's rows
        ]

    def __str__(self) -> str:
        return f"Causes closed {self.day:%Y-%m-%d}: {self.cause}"


class FiguresChange(models.Model):
    """A complaint, its customer's group or a survey changed: the days whose figures it touches.

    Written by the database's triggers (recovery.rollup.triggers) in the same transaction as the change,
    so no code path can forget one; `recovery.rollup.build.apply_changes` recomputes those days and
    deletes the rows it folded in. For a complaint: its customer and times (before and after the change);
    for a survey: when it was sent.
    """

    complaint_id = models.BigIntegerField(null=True)
    customer_id = models.BigIntegerField(null=True)
    received_at = models.DateTimeField(null=True)
    closed_at = models.DateTimeField(null=True)
    sent_at = models.DateTimeField(null=True)
    recorded_at = models.DateTimeField(db_default=Now(), help_text="When the change was made (its transaction).")

    def __str__(self) -> str:
        return f"Change {self.pk} (complaint {self.complaint_id})"


class StaleMonth(models.Model):
    """A month whose month rows lag its day rows: a page folded changes into its days without adding the
    month up again (that takes a second or so). Readers use its day rows meanwhile; beat adds it up."""

    cohort = models.PositiveSmallIntegerField(choices=Cohort.choices)
    month = models.DateField(help_text="Its first day.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cohort", "month"], name="stalemonth_once")]

    def __str__(self) -> str:
        return f"{Cohort(self.cohort).label}: {self.month:%Y-%m} to add up"


class RollupState(models.Model):
    """Whether the roll-up has been counted. A row without `built_at` says it has not: migration 0017
    writes one on a database that held complaints before the roll-up existed, and until
    `manage.py rebuild_dashboard_facts` has counted them (and set `built_at`) the dashboard counts from the
    complaints and no change is folded in. No such row: the roll-up holds everything (an empty database)."""

    built_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Roll-up built at {self.built_at}" if self.built_at else "Roll-up not built yet"
