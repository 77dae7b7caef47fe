"""Phone numbers as people type them: national (07700 900348) or international (+44 7700 900348), any separators.

A customer's number is kept beside what was typed in one normalised form, `phone_key`: E.164
(`+447700900348`) when the number reads as a possible number, national numbers being read in
`settings.PHONE_REGION`; otherwise just its digits. A search that looks like a phone number is
normalised the same way (`phone_search_keys`) and compared for equality, so an index answers it
and the format either side was typed in does not matter. Parsing is Google's libphonenumber
rules (the `phonenumbers` package): trunk prefixes, "00" and "+" international prefixes, extensions.
"""

from __future__ import annotations

import re

import phonenumbers
from django.conf import settings

# Characters people put between the digits of a phone number.
PHONE_SEPARATORS = " -().+/"
# A search with at least this many digits, and nothing but digits and separators, may be a phone number.
PHONE_DIGITS_MIN = 6

_NOT_DIGITS = re.compile(r"\D")


def _e164(text: str, region: str) -> str:
    """Return `text` in E.164 form when it reads as a possible number (not just a local one), else ''."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return ""
    if phonenumbers.is_possible_number_with_reason(number) != phonenumbers.ValidationResult.IS_POSSIBLE:
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_key(text: str, *, region: str | None = None) -> str:
    """Return the normalised form a phone number is stored and searched by: E.164, else its digits, else ''."""
    text = (text or "").strip()
    if not text:
        return ""
    return _e164(text, region or settings.PHONE_REGION) or _NOT_DIGITS.sub("", text)


def is_international(key: str) -> bool:
    """Return True for a key that is a whole number in E.164 form (not an extension or a fragment)."""
    return key.startswith("+")


def looks_like_phone(text: str) -> bool:
    """Return True when `text` is only digits and separators, with enough digits to be a phone number."""
    if not text or text.strip(PHONE_SEPARATORS + "0123456789"):
        return False
    return len(_NOT_DIGITS.sub("", text)) >= PHONE_DIGITS_MIN


def phone_search_keys(text: str, *, region: str | None = None) -> list[str]:
    """Return the keys a number typed into a search box may be stored under; [] when it is not a phone number.

    "447700900348" is a British mobile typed without its "+", or a national number of the region:
    both readings are searched, and so are the bare digits (numbers stored unreadable as a whole number).
    """
    if not looks_like_phone(text):
        return []
    digits = _NOT_DIGITS.sub("", text)
    keys = [phone_key(text, region=region), _e164(f"+{digits}", "ZZ"), digits]
    return sorted({key for key in keys if key})
