"""Links that are their own key (the survey's, the customer's status page): a signed, expiring row id.

`link_token(pk, salt=…)` is Django's timestamped signature of the id, with a salt per kind of link so a
token for one never opens another; `link_id(token, salt=…, max_age=…)` reads it back, or raises
`LinkExpired` or `LinkInvalid` (forged, mangled, or not an id), which each caller turns into its own
friendly page. What the id names (a survey, a status link) and whether it still works (answered,
revoked) is the caller's.
"""

from __future__ import annotations

from datetime import timedelta

from django.core import signing


class LinkInvalid(Exception):
    """The token is not one CareDesk made for this kind of link."""


class LinkExpired(LinkInvalid):
    """The token was CareDesk's, but is older than the link may be."""


def link_token(pk: int, *, salt: str) -> str:
    """Return the signed token naming row `pk` (a new one each time, for the same row)."""
    return signing.dumps(pk, salt=salt)


def link_id(token: str, *, salt: str, max_age: timedelta) -> int:
    """Return the row id the token names; raise LinkExpired or LinkInvalid."""
    try:
        value = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise LinkExpired from exc
    except signing.BadSignature as exc:
        raise LinkInvalid from exc
    if not isinstance(value, int) or isinstance(value, bool):
        raise LinkInvalid
    return value
