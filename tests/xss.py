"""A corpus of XSS payloads and a check that a page shows them only as text."""

from __future__ import annotations

from django.utils.html import escape

PAYLOADS = [
    "<script>alert('xss')</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "javascript:alert(document.cookie)",
    '<a href="javascript:alert(1)">click</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    "' onmouseover='alert(1)' x='",
    "<body onload=alert(1)>",
    "{{ 7|add:7 }} {% now 'Y' %}",
]

# Fragments that must never appear raw in a page that displays the payloads.
DANGEROUS = [
    "<script>alert",
    "<img src=x onerror",
    "<svg/onload",
    "<svg><script>",
    "<iframe",
    "<body onload",
    '<a href="javascript:',
]


def assert_never_raw(html: str, payload: str) -> None:
    """Assert the payload's markup never reaches the page live: not the payload itself, nor a fragment of it."""
    if escape(payload) != payload:
        assert payload not in html, f"payload found raw (unescaped) in page: {payload!r}"
    for fragment in DANGEROUS:
        if fragment in payload:
            assert fragment not in html, f"raw markup {fragment!r} found in page"


def assert_shown_escaped(html: str, payload: str) -> None:
    """Assert the payload appears escaped and none of its markup is live."""
    assert escape(payload) in html, f"payload not shown (escaped) in page: {payload!r}"
    assert_never_raw(html, payload)
