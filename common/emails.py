"""What every email CareDesk sends has in common: the sender, one subject pattern, and the footer.

The sender is the organisation, by name and address (settings ORGANISATION_NAME and
EMAIL_FROM_ADDRESS make DEFAULT_FROM_EMAIL). Every subject reads "[Organisation] About: what
happened", e.g. "[Acme] Complaint C-000123: Apologize is overdue". Every body ends with the
organisation's name and one line saying why the reader gets the email: the templates extend
`emails/base.txt` and `emails/base.html`, which print both.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

SUBJECT_PATTERN = "[{organisation}] {about}: {what}"


def email_subject(*, about: str, what: str) -> str:
    """Return a subject in the one pattern every email uses.

    Build `about` and `what` from safe fields only (references, labels, dates, counts), never from text
    a person typed: a subject is a header.
    """
    return SUBJECT_PATTERN.format(organisation=settings.ORGANISATION_NAME, about=about, what=what)


def email_message(
    *,
    template: str,
    context: Mapping[str, Any],
    about: str,
    what: str,
    why: str,
    to: list[str],
    headers: Mapping[str, str] | None = None,
) -> EmailMultiAlternatives:
    """Return the email rendered from `template`.txt and .html, from the organisation, with its footer.

    `why` is the one line telling the reader why they get it ("You get this because …").
    """
    subject = email_subject(about=about, what=what)
    full = {**context, "subject": subject, "organisation": settings.ORGANISATION_NAME, "why": why}
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", full),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        headers=dict(headers or {}),
    )
    message.attach_alternative(render_to_string(f"{template}.html", full), "text/html")
    return message
