"""What an email to the intake mailbox says, read from its raw bytes: no IMAP and no database here.

The mailbox loop (`intake.mailbox`) fetches bytes; this module turns them into an `InboundMessage`
(who wrote, the subject, readable text, the attachments' names and sizes, which of our messages it
answers) and says why a message is not a person writing to us (`ignore_reason`): auto-replies,
bounces, lists and our own mail, which would otherwise become complaints, and two auto-responders
would answer each other for ever. Headers are read raw and decoded defensively: a message is written
by a stranger, and nothing in it may make the parser raise past `UnreadableMessage`.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.header import decode_header, make_header
from email.message import EmailMessage, Message
from email.utils import getaddresses, parsedate_to_datetime

import nh3
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from intake.models import MESSAGE_ID_MAX

HASHED_PREFIX = "sha256:"  # a Message-ID we made up: none was given, or it was too long to keep
NAME_MAX = 200  # a customer's name, an attachment's name
_ANGLE_IDS = re.compile(r"<[^<>\s]+>")
# Kept out of stored text: C0/C1 controls except tab and newline (PostgreSQL refuses NUL).
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_BLOCK_ENDS = re.compile(r"<br\s*/?>|</(?:p|div|li|tr|h[1-6]|blockquote|table|pre)\s*>", re.IGNORECASE)
_HIDDEN_CONTENT = {"script", "style", "title", "head", "template", "noscript"}
_QUOTE_INTRO = re.compile(r"^On .{1,300} wrote:\s*$")
AUTOMATIC_SENDERS = ("mailer-daemon", "postmaster")
NO_SENDER = "no valid sender address (From)"


class UnreadableMessage(Exception):
    """The message cannot become a complaint: `reason` says why, without personal data."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Attachment:
    name: str
    size: int  # bytes, decoded

    def as_details(self) -> dict[str, object]:
        return {"name": self.name, "size": self.size}

    def describe(self) -> str:
        return f"{self.name} ({human_size(self.size)})"


@dataclass(frozen=True)
class InboundMessage:
    message_id: str
    from_name: str
    from_address: str
    subject: str
    text: str
    attachments: tuple[Attachment, ...] = ()
    replies_to: tuple[str, ...] = ()  # Message-IDs from In-Reply-To, then References
    date: datetime | None = None
    headers: dict[str, list[str]] = field(default_factory=dict, repr=False)


def human_size(size: int) -> str:
    """Return a size as people read it: 812 bytes, 14 KB, 10.0 MB."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size // 1024} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def clean_text(text: str) -> str:
    """Return text fit to store: newlines normalised, control characters and trailing blanks removed."""
    text = _CONTROLS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _SURROGATES.sub("\ufffd", text)
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def one_line(text: str, limit: int) -> str:
    """Return text as one line of at most `limit` characters (a subject, a name)."""
    return " ".join(_SURROGATES.sub("\ufffd", _CONTROLS.sub(" ", text)).split())[:limit]


def html_to_text(markup: str) -> str:
    """Return the readable text of HTML: every tag stripped, scripts and styles with their content."""
    spaced = _BLOCK_ENDS.sub(lambda m: m.group(0) + "\n", markup)
    return clean_text(html.unescape(nh3.clean(spaced, tags=set(), clean_content_tags=_HIDDEN_CONTENT)))


def strip_quoted(text: str) -> str:
    """Return a reply without the quoted message at its end ("On … wrote:" and "> " lines), if that leaves text.

    Conservative: only a trailing block of quoted (and blank) lines goes, with the line introducing it
    (on one line or two, as mail programs wrap it); quotes between answers stay.
    """
    lines = text.split("\n")
    cut = len(lines)
    while cut > 0 and (not lines[cut - 1].strip() or lines[cut - 1].lstrip().startswith(">")):
        cut -= 1
    if not any(line.lstrip().startswith(">") for line in lines[cut:]):
        return text
    if cut > 0 and _QUOTE_INTRO.match(lines[cut - 1].strip()):
        cut -= 1
    elif cut > 1 and lines[cut - 1].strip().endswith("wrote:") and _QUOTE_INTRO.match(" ".join(lines[cut - 2 : cut])):
        cut -= 2
    kept = "\n".join(lines[:cut]).strip()
    return kept or text


def _raw_headers(msg: Message) -> dict[str, list[str]]:
    headers: dict[str, list[str]] = {}
    for name, value in msg.raw_items():
        # 8-bit bytes in a header come as escapes: read them as UTF-8, anything else as a replacement.
        text = str(value).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        unfolded = re.sub(r"\r?\n[ \t]+", " ", text).strip()
        headers.setdefault(name.lower(), []).append(unfolded)
    return headers


def _first(headers: dict[str, list[str]], name: str) -> str:
    values = headers.get(name, [])
    return values[0] if values else ""


def _decoded(value: str) -> str:
    try:
        return str(make_header(decode_header(value)))
    except (LookupError, UnicodeError, ValueError, TypeError, AssertionError):
        return value


def _hashed(text: str) -> str:
    return HASHED_PREFIX + hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def message_id_of(headers: dict[str, list[str]]) -> str:
    """Return the message's Message-ID, or a hash of its key headers when it has none (or one too long)."""
    raw = _first(headers, "message-id")
    found = _ANGLE_IDS.search(raw)
    value = found.group(0) if found else "".join(raw.split())
    if not value:
        key = "\n".join(
            f"{name}: {v}"
            for name in ("from", "to", "cc", "date", "subject", "received")
            for v in headers.get(name, [])
        )
        return _hashed(key)
    return value if len(value) <= MESSAGE_ID_MAX else _hashed(value)


def header_block_message_id(raw: bytes) -> str:
    """Return the Message-ID `parse` would give, from the message's header block alone (or the whole message)."""
    try:
        return message_id_of(_raw_headers(message_from_bytes(raw, policy=policy.compat32)))
    except Exception:  # a stranger's bytes: name them by their hash rather than fail
        return _hashed(raw.decode("utf-8", "surrogateescape"))


def _from(headers: dict[str, list[str]]) -> tuple[str, str]:
    pairs = getaddresses([_first(headers, "from")])
    name, address = pairs[0] if pairs else ("", "")
    return name, address.strip().lower()


def _sender(headers: dict[str, list[str]]) -> tuple[str, str]:
    """Return the sender's name and address; the address is "" when it is not one we could answer."""
    name, address = _from(headers)
    try:
        validate_email(address)
    except ValidationError:
        address = ""
    return one_line(_decoded(name).strip("\"' "), NAME_MAX), address


def _date(headers: dict[str, list[str]]) -> datetime | None:
    try:
        moment = parsedate_to_datetime(_first(headers, "date"))
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _part_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    try:
        return data.decode(part.get_content_charset() or "utf-8", "replace")
    except LookupError:  # a charset Python does not know
        return data.decode("utf-8", "replace")


def _body_and_attachments(msg: EmailMessage) -> tuple[str, tuple[Attachment, ...]]:
    body = msg.get_body(preferencelist=("plain", "html"))
    text = ""
    if body is not None:
        raw = _part_text(body)
        text = html_to_text(raw) if body.get_content_type() == "text/html" else clean_text(raw)
    attachments = []
    for part in msg.walk():
        if part is body or part.is_multipart():
            continue
        filename = part.get_filename()
        text_part = part.get_content_type() in ("text/plain", "text/html")
        if not filename and text_part and part.get_content_disposition() != "attachment":
            continue  # another rendering of the body (the HTML beside the plain text)
        payload = part.get_payload(decode=True)
        size = len(payload) if isinstance(payload, bytes) else 0
        name = one_line(_decoded(filename or ""), NAME_MAX) or f"unnamed {part.get_content_type()}"
        attachments.append(Attachment(name=name, size=size))
    return text, tuple(attachments)


def parse(raw: bytes) -> InboundMessage:
    """Return what the message says; raise UnreadableMessage when it is not an email we can read at all.

    A message without a valid sender address is returned with `from_address` "" (it may still be an
    auto-reply or a bounce to ignore); it cannot become a complaint.
    """
    try:
        msg = message_from_bytes(raw, policy=policy.default)
        headers = _raw_headers(msg)
    except Exception as exc:
        raise UnreadableMessage(f"not a readable email ({type(exc).__name__})") from None
    message_id = message_id_of(headers)
    name, address = _sender(headers)
    try:
        assert isinstance(msg, EmailMessage)  # noqa: S101 - policy.default makes one
        text, attachments = _body_and_attachments(msg)
    except Exception as exc:
        raise UnreadableMessage(f"the body cannot be read ({type(exc).__name__})") from None
    replies_to = [
        found for name_ in ("in-reply-to", "references") for found in _ANGLE_IDS.findall(_first(headers, name_))
    ]
    return InboundMessage(
        message_id=message_id,
        from_name=name,
        from_address=address,
        subject=one_line(_decoded(_first(headers, "subject")), 998),
        text=text,
        attachments=attachments,
        replies_to=tuple(dict.fromkeys(replies_to)),
        date=_date(headers),
        headers=headers,
    )


def ignore_reason(message: InboundMessage, *, own_addresses: Iterable[str]) -> str:
    """Return why the message is not a person writing to us (an auto-reply, a bounce, a list, our own), or ""."""
    headers = message.headers
    auto_submitted = _first(headers, "auto-submitted").split(";")[0].strip().lower()
    if auto_submitted and auto_submitted != "no":
        return f"automatic message (Auto-Submitted: {auto_submitted[:40]})"
    precedence = _first(headers, "precedence").strip().lower()
    if precedence in ("bulk", "junk", "list"):
        return f"bulk or list mail (Precedence: {precedence})"
    if "x-autoreply" in headers or "x-autorespond" in headers:
        return "automatic reply (X-Autoreply)"
    if _first(headers, "content-type").strip().lower().startswith("multipart/report"):
        return "bounce or delivery report (multipart/report)"
    if "return-path" in headers and _first(headers, "return-path").strip() in ("", "<>"):
        return "bounce (empty Return-Path)"
    if _from(headers)[1].split("@")[0] in AUTOMATIC_SENDERS:
        return "bounce (from MAILER-DAEMON or postmaster)"
    if message.from_address in {a.strip().lower() for a in own_addresses if a}:
        return "from our own address"
    if "x-caredesk-reminder" in headers:
        return "an email CareDesk sent"
    return ""
