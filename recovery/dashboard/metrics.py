"""What each figure on the dashboard means: its label and the one line that says what it counts.

The words the figures count with ("repeat", "escalated", "overdue", "open at") are defined for a
single complaint in recovery.definitions; this module says what each figure made of them is.
"""

from __future__ import annotations

from dataclasses import dataclass

from recovery.definitions import REPEAT_WINDOW


@dataclass(frozen=True)
class Metric:
    label: str
    explanation: str


# Every figure on the dashboard, its label and the one line that says what it counts.
METRICS: dict[str, Metric] = {
    "received": Metric("Complaints received", "Complaints received in the period."),
    "open_now": Metric("Open now", "Complaints not yet closed, right now, by the step they wait for."),
    "closed": Metric("Closed", "Complaints closed in the period."),
    "backlog": Metric("Backlog trend", "Complaints open at the end of each of the last 12 weeks of the period."),
    "time_to_apologize": Metric(
        "Time to apologize", "From receipt to the apology (first round), for complaints received in the period."
    ),
    "time_to_reinstate": Metric(
        "Time to reinstate",
        "From receipt to reinstating the customer (first round; skips left out), complaints received in the period.",
    ),
    "time_to_close": Metric("Time to close", "From receipt to close, for complaints closed in the period."),
    "on_time": Metric(
        "Steps done on time",
        "Steps done by their due time, of all steps done for complaints received in the period (skips left out).",
    ),
    "recovery_rate": Metric(
        "Recovery rate", "Complaints closed in the period whose customer stayed with us (outcome retained)."
    ),
    "satisfaction": Metric(
        "Satisfaction after follow-up",
        "Average score (1–5) the customer gave at the follow-up, for complaints closed in the period.",
    ),
    "satisfied_share": Metric(
        "Satisfied (4–5)", "Share of those follow-ups scoring 4 or 5, for complaints closed in the period."
    ),
    "survey_response": Metric("Survey response rate", "Surveys answered, of the surveys sent in the period."),
    "repeat_rate": Metric(
        "Repeat complaints",
        "Complaints received in the period from a customer who had another complaint received in the "
        f"{REPEAT_WINDOW.days} days before.",
    ),
    "escalated_now": Metric(
        "Escalated, open",
        "Open complaints escalated to a manager, or whose current step is overdue past the grace before "
        "managers are alerted, right now.",
    ),
    "overdue_now": Metric("Overdue steps", "Open complaints whose current step is past its due time, right now."),
    "atonement_cost": Metric("Atonement cost", "Value of the atonements given, for complaints closed in the period."),
    "cost_per_recovered": Metric(
        "Cost per recovered customer", "Atonement cost divided by the customers retained in the period."
    ),
    "minutes_per_complaint": Metric(
        "Minutes invested per complaint", "Minutes recorded on all steps ÷ complaints received in the period."
    ),
    "by_group": Metric("By customer group", "Complaints received in the period, by the customer's group."),
    "by_category": Metric(
        "By category (Pareto)",
        "Complaints received in the period by category, most frequent first; the line is the running share.",
    ),
    "root_causes": Metric(
        "Most frequent root causes",
        "Root causes recorded at closing (grouped ignoring case and outer spaces), complaints closed in the period; "
        "running share of all recorded causes.",
    ),
    "handlers": Metric(
        "Handlers",
        "Per owner: complaints received in the period, their median time to apologize and on-time rate; "
        "recovery rate and satisfaction of their complaints closed in the period.",
    ),
    "word_of_mouth": Metric(
        "Word of mouth (estimate)",
        "Customers lost in the period × the people each is assumed to tell (WORD_OF_MOUTH_FACTOR). An estimate.",
    ),
}

# The figures that count complaints: their list shows exactly that many.
COUNT_FIGURES = frozenset({"received", "closed", "open_now", "escalated_now", "overdue_now"})
