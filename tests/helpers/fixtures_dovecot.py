"""A real IMAP server for the email intake tests: Debian's Dovecot, one per pytest process, on loopback.

`dovecot -F -c <config>` runs as a child process of the test run with everything under a temporary
folder (its sockets, state, log, a passwd-file user and a maildir), plain-text login on 127.0.0.1
without TLS, and a free port per xdist process, so parallel runs never share a mailbox. No system
service is started (`scripts/ensure_services.sh` only installs `dovecot-imapd` when missing).

Dovecot runs its master as whoever starts it. Started by root (here and in CI) it refuses to run its
login processes or touch mail as root, so those use the package's own unprivileged users (`dovenull`,
`dovecot`) and the maildir belongs to the latter; started by anyone else, everything runs as them.

`dovecot` (function scope) empties the mailbox before each test and yields the server, whose
`append(raw_bytes)` delivers a message the way a mail server would file it.
"""

from __future__ import annotations

import grp
import imaplib
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import pytest

USER = "intake@caredesk.test"
START_SECONDS = 15


@dataclass
class Dovecot:
    host: str
    port: int
    user: str
    password: str
    folder: str = "INBOX"
    log: Path = field(default_factory=Path)

    def client(self) -> imaplib.IMAP4:
        """Return a logged-in IMAP connection with the folder selected (close it with logout())."""
        imap = imaplib.IMAP4(self.host, self.port, timeout=30)
        imap.login(self.user, self.password)
        imap.select(self.folder)
        return imap

    def append(self, raw: bytes) -> None:
        """Deliver one message (RFC 5322 bytes) into the folder, unread."""
        imap = self.client()
        try:
            # No flags and no date ("" as imaplib reads them): unread, arrived now. (typeshed's return type is wrong.)
            status, data = cast(tuple[str, list[bytes]], imap.append(self.folder, "", "", raw))
            assert status == "OK", data
        finally:
            imap.logout()

    def flags(self) -> list[set[str]]:
        """Return each message's flags, oldest first."""
        imap = self.client()
        try:
            status, data = imap.uid("FETCH", "1:*", "(FLAGS)")
        finally:
            imap.logout()
        found = [item for item in data if isinstance(item, bytes)] if status == "OK" else []
        return [{flag.decode() for flag in imaplib.ParseFlags(item)} for item in found]

    def empty(self) -> None:
        """Delete every message in the folder."""
        imap = imaplib.IMAP4(self.host, self.port, timeout=30)
        try:
            imap.login(self.user, self.password)
            status, data = imap.select(self.folder)
            if status == "OK" and data and data[0] and int(data[0]) > 0:
                imap.store("1:*", "+FLAGS.SILENT", "(\\Deleted)")
                imap.expunge()
        finally:
            imap.logout()


def _config(folder: Path, port: int, password: str) -> Path:
    (folder / "passwd").write_text(f"{USER}:{{PLAIN}}{password}::::::\n")
    mail = folder / "mail"
    mail.mkdir()
    if os.geteuid() == 0:
        login_user, internal_user = "dovenull", "root"
        mail_user = pwd.getpwnam("dovecot")
        os.chown(mail, mail_user.pw_uid, mail_user.pw_gid)
        folder.chmod(0o755)  # the mail user must reach its maildir
    else:
        mail_user = pwd.getpwuid(os.geteuid())
        login_user = internal_user = mail_user.pw_name
    internal_group = "root" if internal_user == "root" else grp.getgrgid(mail_user.pw_gid).gr_name
    config = folder / "dovecot.conf"
    config.write_text(
        f"""
protocols = imap
listen = 127.0.0.1
base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/dovecot.log
info_log_path = {folder}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = {login_user}
default_internal_user = {internal_user}
default_internal_group = {internal_group}
first_valid_uid = {mail_user.pw_uid}
mail_location = maildir:{mail}/%n
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {folder}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {folder}/passwd
  default_fields = uid={mail_user.pw_uid} gid={mail_user.pw_gid} home={mail}/%n
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""
    )
    return config


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _greets(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            return sock.recv(64).startswith(b"* OK")
    except OSError:
        return False


def _start(folder: Path) -> tuple[subprocess.Popen[bytes], Dovecot]:
    executable = shutil.which("dovecot", path=f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin")
    if executable is None:
        pytest.fail("Dovecot is not installed: `make test` installs it (apt-get install dovecot-imapd).")
    port, password = _free_port(), secrets.token_urlsafe(12)
    config = _config(folder, port, password)
    process = subprocess.Popen(  # noqa: S603 - Debian's dovecot with our own config
        [executable, "-F", "-c", str(config)],
        stdout=(folder / "stdout.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    server = Dovecot(host="127.0.0.1", port=port, user=USER, password=password, log=folder / "dovecot.log")
    deadline = time.monotonic() + START_SECONDS
    while not _greets(port):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            logs = "".join(p.read_text() for p in (folder / "stdout.log", server.log) if p.exists())
            pytest.fail(f"Dovecot did not start on port {port}:\n{logs}")
        time.sleep(0.05)
    return process, server


@pytest.fixture(scope="session")
def dovecot_server() -> Iterator[Dovecot]:
    """One Dovecot for this pytest process, stopped (and its folder removed) at the end."""
    folder = Path(tempfile.mkdtemp(prefix="caredesk-dovecot-"))
    process, server = _start(folder)
    try:
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def dovecot(dovecot_server: Dovecot) -> Dovecot:
    """The IMAP server with an empty mailbox."""
    dovecot_server.empty()
    return dovecot_server
