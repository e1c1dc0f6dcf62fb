"""Read an mbox mailbox into messages: plain-text bodies, quotes and signatures stripped.

A thread is the normalized subject ("Re: Fwd: Launch plan" -> "launch plan"); In-Reply-To
gives explicit reply pairs. Multipart mail uses its text/plain part, else HTML with tags removed.
"""

from __future__ import annotations

import email
import html
import mailbox
import re
from email import policy
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path

from ..files import check_input
from ..messages import Export, ImportFailed, Message, add_alias, tidy
from ..pairing import PairingRules
from ..source import Source

_SUBJECT_PREFIX = re.compile(r"^\s*((re|fwd?|aw|sv|wg)\s*(\[\d+\])?:\s*)+", re.I)
_ATTRIBUTION = re.compile(r"^(On .{4,200}wrote:|Le .{4,200}a écrit :|Am .{4,200}schrieb .{1,80}:)\s*$",
                          re.M | re.S)
_FORWARD_OR_ORIGINAL = re.compile(
    r"^(-{2,}\s*(Original Message|Forwarded message)\s*-{2,}|_{10,}|From: .+\n(Sent|Date): .+)",
    re.M | re.I)
_SIGNATURE = re.compile(r"^(-- ?|Sent from my [\w ]+|Get Outlook for \w+)\s*$", re.M)
_TAG = re.compile(r"<[^>]+>")
_BOT_LOCAL = re.compile(r"^(no-?reply|do-?not-?reply|mailer-daemon|postmaster|notifications?|bounce)", re.I)


def strip_reply(body: str) -> str:
    """The new text of a reply: quoted lines, the quoted original and the signature removed."""
    for pattern in (_ATTRIBUTION, _FORWARD_OR_ORIGINAL, _SIGNATURE):
        match = pattern.search(body)
        if match:
            body = body[:match.start()]
    return tidy("\n".join(line for line in body.splitlines() if not line.lstrip().startswith(">")))


def _body(msg) -> tuple[str, bool]:
    """(text, has_attachments) of a parsed message."""
    has_attachments = any(True for _ in msg.iter_attachments()) if msg.is_multipart() else False
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return "", has_attachments
    try:
        text = part.get_content()
    except (LookupError, UnicodeError, AssertionError, ValueError):
        payload = part.get_payload(decode=True)
        text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if part.get_content_subtype() == "html":
        text = html.unescape(_TAG.sub("", re.sub(r"(?i)<br\s*/?>|</p>", "\n", text)))
    return text, has_attachments


def _timestamp_s(msg) -> float:
    try:
        return parsedate_to_datetime(str(msg["Date"])).timestamp()
    except (TypeError, ValueError, IndexError):
        return 0.0


def _kind(msg, address: str, text: str, has_attachments: bool) -> str:
    auto = str(msg.get("Auto-Submitted", "no")).lower()
    if auto != "no" or _BOT_LOCAL.match(address) or str(msg.get("Precedence", "")).lower() == "bulk":
        return "bot"
    if not text:
        return "attachment_only" if has_attachments else "empty"
    return "message"


def _check_format(path: Path) -> None:
    check_input(path, folder_ok=False)
    with open(path, "rb") as stream:
        start = stream.read(5)
    if start != b"From ":
        raise ImportFailed(path, "not an mbox mailbox: it must start with a 'From ' line")


def read(path: Path) -> Export:
    """All mails of an mbox file."""
    path = Path(path)
    _check_format(path)
    box = mailbox.mbox(path, factory=lambda f: email.message_from_binary_file(f, policy=policy.default),
                       create=False)
    export = Export([])
    for msg in box:
        name, address = (getaddresses([str(msg.get("From", ""))]) or [("", "")])[0]
        address = address.lower() or name.lower() or "unknown"
        add_alias(export.aliases, address, name, address.split("@")[0])
        body, has_attachments = _body(msg)
        text = strip_reply(body)
        subject = str(msg.get("Subject", "")).strip()
        thread = _SUBJECT_PREFIX.sub("", subject).strip().lower() or str(msg.get("Message-ID", ""))
        export.messages.append(Message(
            conversation=thread, author_id=address, text=text, timestamp_s=_timestamp_s(msg),
            kind=_kind(msg, address, text, has_attachments), hint=subject,
            message_id=str(msg.get("Message-ID", "")).strip(),
            reply_to=str(msg.get("In-Reply-To", "")).strip()))
    box.close()
    return export


# Mail is answered in days, and a mail answers the one before it.
SOURCE = Source(name="email", label="email", read=read, aliases=("mbox",), context="work_planning",
                rules=PairingRules(merge_gap_s=600.0, reply_window_s=14 * 86400.0, max_context_turns=1))
