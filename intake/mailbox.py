"""Reading the intake mailbox over IMAP: each new message in, then marked read on the server, in that order.

`mailbox_poll` (beat, `intake.tasks.poll_mailbox`) takes the unread messages oldest first, at most
INTAKE_BATCH_SIZE a run. For each it reads the size and headers first: a message over
INTAKE_MAX_MESSAGE_BYTES is not downloaded but recorded and flagged for a person. Otherwise
`intake.inbound` stores what it becomes and commits; only then is `\\Seen` set on the server. The
Message-ID is unique in the database, so a crash between the commit and the flag (or a flag that never
reached the server) makes the next run find the row and only set the flag: never a loss, never a
double. A message that cannot be read is recorded, logged by its Message-ID alone, flagged and
passed over, so it never blocks the ones after it; a person who marks it unread again (having fixed
the cause) has it read again.
"""

from __future__ import annotations

import imaplib
import logging
import re
import ssl
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import InterfaceError, OperationalError, connection
from imap_tools import BaseMailBox, MailBox, MailBoxUnencrypted
from imap_tools.errors import MailboxFetchError, MailboxFlagError

from common.errors import DomainError
from intake.inbound import DUPLICATE, inbound_store, own_addresses, unreadable_store
from intake.mail import UnreadableMessage, header_block_message_id, human_size, parse
from intake.models import InboundEmail, InboundOutcome

logger = logging.getLogger(__name__)

IMAP_TIMEOUT = 60  # seconds for the connection and each command
LOCK_KEY = 0x1A7A4E  # pg_advisory_lock key: one poller at a time (the unique Message-ID is the real guard)
GONE = "gone"
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")


@dataclass(frozen=True)
class MailboxSettings:
    host: str
    port: int
    user: str
    password: str
    folder: str
    ssl: bool


def mailbox_settings() -> MailboxSettings | None:
    """Return where the intake mailbox is (INTAKE_IMAP_URL, else the INTAKE_IMAP_* settings), or None when unset."""
    if url := settings.INTAKE_IMAP_URL:
        parts = urlsplit(url)
        if parts.scheme not in ("imap", "imaps") or not parts.hostname:
            raise ImproperlyConfigured("INTAKE_IMAP_URL must look like imaps://user:password@host:993/INBOX.")
        use_ssl = parts.scheme == "imaps"
        config = MailboxSettings(
            host=parts.hostname,
            port=parts.port or (993 if use_ssl else 143),
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            folder=unquote(parts.path.lstrip("/")) or settings.INTAKE_IMAP_FOLDER,
            ssl=use_ssl,
        )
    elif settings.INTAKE_IMAP_HOST:
        config = MailboxSettings(
            host=settings.INTAKE_IMAP_HOST,
            port=settings.INTAKE_IMAP_PORT,
            user=settings.INTAKE_IMAP_USER,
            password=settings.INTAKE_IMAP_PASSWORD,
            folder=settings.INTAKE_IMAP_FOLDER,
            ssl=settings.INTAKE_IMAP_SSL,
        )
    else:
        return None
    if not config.user:
        raise ImproperlyConfigured("The intake mailbox needs a user name (INTAKE_IMAP_USER or in INTAKE_IMAP_URL).")
    if not config.ssl and settings.INTAKE_IMAP_SSL:
        raise ImproperlyConfigured("imap:// sends the password in clear: use imaps://, or set INTAKE_IMAP_SSL=false.")
    return config


@contextmanager
def _one_poller() -> Iterator[bool]:
    # A session-level advisory lock, released at the end or when the connection dies; SQLite has none.
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
        held = bool(cursor.fetchone()[0])
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])


def _connect(config: MailboxSettings) -> BaseMailBox:
    box: BaseMailBox
    if config.ssl:
        # imaplib alone would not check the server's certificate.
        box = MailBox(config.host, config.port, timeout=IMAP_TIMEOUT, ssl_context=ssl.create_default_context())
    else:
        box = MailBoxUnencrypted(config.host, config.port, timeout=IMAP_TIMEOUT)
    return box.login(config.user, config.password, initial_folder=config.folder)


def _fetch(mailbox: BaseMailBox, uid: str, parts: str) -> tuple[bytes, bytes] | None:
    """Return (the response's own words, the literal) for one UID, or None when the message is gone."""
    status, data = mailbox.client.uid("FETCH", uid, parts)
    if status != "OK":
        raise MailboxFetchError((status, data), "OK")
    words, literal = b"", b""
    for item in data:
        if isinstance(item, tuple):
            words, literal = words + item[0], item[1]
        elif isinstance(item, bytes):
            words += item
    return (words, literal) if words else None


def _arrived(words: bytes) -> datetime | None:
    moment = imaplib.Internaldate2tuple(words)
    return datetime.fromtimestamp(time.mktime(moment), tz=UTC) if moment else None


def message_mark_read(mailbox: BaseMailBox, uid: str, *, for_a_person: bool = False) -> None:
    """Set \\Seen on the message (and \\Flagged when a person must look at it); only after the commit."""
    flags = "(\\Seen \\Flagged)" if for_a_person else "(\\Seen)"
    status, data = mailbox.client.uid("STORE", uid, "+FLAGS", flags)
    if status != "OK":
        raise MailboxFlagError((status, data), "OK")


def _where(exc: BaseException) -> str:
    # Where it failed, not what it said: an exception's message may quote the email.
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return type(exc).__name__
    return f"{type(exc).__name__} at {frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno}"


def _not_read(mailbox: BaseMailBox, uid: str, message_id: str, *, size: int, reason: str, detail: str = "") -> str:
    # `detail` is stored with the reason but not logged: a refusal's wording may quote what was sent.
    logger.warning("Intake: message %s was not read (%s); it is flagged for a person.", message_id, reason)
    reason = f"{reason}: {detail}" if detail else reason
    outcome = unreadable_store(message_id, size=size, reason=reason)
    message_mark_read(mailbox, uid, for_a_person=True)
    return outcome


def message_read(mailbox: BaseMailBox, uid: str, *, own: set[str]) -> str:
    """Read one message into the database, then mark it read; return what it became."""
    head = _fetch(mailbox, uid, "(RFC822.SIZE INTERNALDATE BODY.PEEK[HEADER])")
    if head is None:
        return GONE
    words, header_bytes = head
    found = _SIZE.search(words)
    size = int(found.group(1)) if found else 0
    message_id = header_block_message_id(header_bytes)
    if InboundEmail.objects.filter(message_id=message_id).exclude(outcome=InboundOutcome.UNREADABLE).exists():
        message_mark_read(mailbox, uid)  # stored by a run that ended before it could mark it
        return DUPLICATE
    if size > settings.INTAKE_MAX_MESSAGE_BYTES:
        reason = f"too large: {human_size(size)}, over INTAKE_MAX_MESSAGE_BYTES"
        return _not_read(mailbox, uid, message_id, size=size, reason=reason)
    body = _fetch(mailbox, uid, "(BODY.PEEK[])")
    if body is None:
        return GONE
    try:
        # One name per message, whichever fetch it was read from.
        message = replace(parse(body[1]), message_id=message_id)
        outcome = inbound_store(message, size=size, received_at=_arrived(words), own=own)
    except UnreadableMessage as exc:
        return _not_read(mailbox, uid, message_id, size=size, reason=exc.reason)
    except DomainError as exc:
        reason = f"refused ({exc.field or 'complaint'})"
        return _not_read(mailbox, uid, message_id, size=size, reason=reason, detail=exc.message)
    except (OperationalError, InterfaceError):
        raise  # the database is away: stop, and read it again next run
    except Exception as exc:  # one message must never block the others
        return _not_read(mailbox, uid, message_id, size=size, reason=f"could not be processed ({_where(exc)})")
    logger.info("Intake: message %s read: %s.", message_id, outcome)
    message_mark_read(mailbox, uid)
    return outcome


def mailbox_poll() -> int:
    """Read the unread messages in the intake mailbox, oldest first; return how many were handled (0 when off)."""
    config = mailbox_settings()
    if config is None:
        return 0
    with _one_poller() as held:
        if not held:
            logger.info("Intake: another poll of the mailbox is running; this one stands down.")
            return 0
        own = own_addresses(config.user)
        handled = 0
        with _connect(config) as mailbox:
            uids = sorted(mailbox.uids("UNSEEN"), key=int)[: settings.INTAKE_BATCH_SIZE]
            for uid in uids:
                if message_read(mailbox, uid, own=own) != GONE:
                    handled += 1
        return handled
