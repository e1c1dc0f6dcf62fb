"""Read Zendesk tickets with their comments: the account's JSON export, API pages, or a folder of them.

Shapes, per file (.json, .jsonl, .ndjson):
- the JSON export (Admin Center > Account > Tools > Reports > Export > JSON): newline-delimited, one ticket
  per line with its `comments` [{id, type, author_id, body, html_body, plain_body, public, attachments,
  via: {channel}, created_at}]; the users export, the same way, one user {id, name, email, role} per line;
- API pages: {"tickets": [... each with "comments"], "users": [...]} (users side-loaded with
  `include=users`), {"comments": [...], "users": [...]} of /api/v2/tickets/{id}/comments.json (one ticket per
  file), {"ticket_events": [{"ticket_id", "created_at", "child_events": [{"event_type": "Comment", ...}]}]} of
  /api/v2/incremental/ticket_events.json?include=comment_events, {"users": [...]}.
Private comments (`public: false`) are internal notes; triggers and automations (`via.channel` 'rule', author
-1) are bots. Line-delimited files are read a line at a time, so a large export is streamed, not loaded whole.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path

from ..fields import ident, items, json_type, obj, string
from ..files import check_input, read_bytes, walk
from ..messages import Export, ImportFailed, Message, add_alias, read_json, tidy
from ..pairing import PairingRules
from ..source import Source
from ._tickets import kind_of, listed, timestamp_s
from .mbox import strip_reply

SUFFIXES = (".json", ".jsonl", ".ndjson")
MAX_LINE_BYTES = 64 * 2**20
"""Longest line of a line-delimited export (one ticket with all its comments)."""
SYSTEM_AUTHOR = "-1"
"""Author id Zendesk gives comments written by the system."""

_REPLY_MARKER = re.compile(r"^.*##- Please type your reply above this line -##.*$", re.M)
_BREAK = re.compile(r"(?i)<br\s*/?>|</(p|div|li|h[1-6]|tr|blockquote)>")
_TAG = re.compile(r"<[^>]+>")


def html_to_text(markup: str) -> str:
    """An HTML comment body as text: breaks and block ends become newlines, tags go, entities are resolved."""
    return html.unescape(_TAG.sub("", _BREAK.sub("\n", markup)))


def clean_text(body: str, channel: str) -> str:
    """A comment's new words: mail replies lose the quoted thread and the signature, as in mbox."""
    if channel == "email":
        marker = _REPLY_MARKER.search(body)
        body = strip_reply(body[:marker.start()] if marker else body)
    return tidy(body)


def _lines(path: Path) -> Iterator[tuple[str, object]]:
    """(where, parsed JSON) of each line of a line-delimited file, one line in memory at a time."""
    with open(path, "rb") as stream:
        for n, line in enumerate(iter(lambda: stream.readline(MAX_LINE_BYTES + 1), b""), start=1):
            where = f"{path}: line {n}"
            if len(line) > MAX_LINE_BYTES:
                raise ImportFailed(where, f"a line over {MAX_LINE_BYTES // 2**20} MiB is no ticket of an export")
            if line.strip():
                yield where, _parse_line(line, where)


def _parse_line(line: bytes, where: str):
    try:
        return json.loads(line.decode("utf-8-sig"))
    except UnicodeDecodeError as err:
        raise ImportFailed(where, f"not UTF-8 text (byte {err.start})") from None
    except json.JSONDecodeError as err:
        raise ImportFailed(where, f"bad JSON at column {err.colno}: {err.msg}") from None
    except RecursionError:
        raise ImportFailed(where, "JSON nested too deeply to be an export") from None


def _documents(path: Path) -> Iterator[tuple[str, object]]:
    """The JSON values of one file: each line of a line-delimited export, else the file as one document."""
    check_input(path, folder_ok=False)
    with open(path, "rb") as stream:
        first = b""
        while not first.strip() and (chunk := stream.readline(MAX_LINE_BYTES + 1)):
            first = chunk
    first = first.strip().removeprefix(b"\xef\xbb\xbf")
    if first.startswith(b"{") and first.endswith(b"}"):
        yield from _lines(path)
    else:
        yield str(path), read_json(path, read_bytes(path))


class _Reader:
    """Collects the messages and people of every document of an export."""

    def __init__(self) -> None:
        self.export = Export([])
        self.seen: set[tuple[str, str]] = set()
        self.tickets_without_comments = 0

    def take(self, value, where: str) -> None:
        """One document or line: a ticket, a user, or an API page of either."""
        if isinstance(value, list):
            for n, item in enumerate(value):
                self._object(item, f"{where}: item {n}")
        else:
            self._object(value, where)

    def _object(self, value, where: str) -> None:
        if not isinstance(value, dict):
            raise ImportFailed(where, f"expected a Zendesk ticket or user object, got a JSON {json_type(value)}")
        if "tickets" in value:
            for n, ticket in enumerate(items(value["tickets"], where, "tickets")):
                self._ticket(ticket, f"{where}: ticket {n}")
        elif "comments" in value and ("subject" in value or "requester_id" in value or "id" in value):
            self._ticket(value, where)
        elif "comments" in value:
            self._comments(items(value["comments"], where, "comments"), where, where, "")
        elif "ticket_events" in value:
            for n, event in enumerate(items(value["ticket_events"], where, "ticket events")):
                self._event(event, f"{where}: event {n}")
        elif "role" in value or "email" in value:
            self._user(value, where)
        elif "users" not in value:
            raise ImportFailed(where, "not a Zendesk export: expected a ticket with 'comments', a user, "
                                      "or an API page of 'tickets', 'comments', 'ticket_events' or 'users'")
        for n, user in enumerate(listed(value, "users", where, "users")):
            self._user(user, f"{where}: user {n}")

    def _user(self, user, where: str) -> None:
        if not isinstance(user, dict):
            raise ImportFailed(where, f"expected a user object, got a JSON {json_type(user)}")
        user_id = ident(user, "id", where)
        if user_id:
            name = string(user, "name", where)
            add_alias(self.export.aliases, user_id, name, string(user, "email", where), string(user, "alias", where))
            self.export.names[user_id] = name or user_id

    def _ticket(self, ticket, where: str) -> None:
        if not isinstance(ticket, dict):
            raise ImportFailed(where, f"expected a ticket object, got a JSON {json_type(ticket)}")
        if ticket.get("comments") is None:
            self.tickets_without_comments += 1
            return
        ticket_id = ident(ticket, "id", where)
        where = f"{where} (ticket {ticket_id})" if ticket_id else where
        subject = string(ticket, "subject", where) or string(ticket, "raw_subject", where)
        self._comments(items(ticket["comments"], where, "comments"), where, ticket_id or where, subject)

    def _event(self, event, where: str) -> None:
        """The comments of one ticket event (the incremental ticket events export with comment_events)."""
        if not isinstance(event, dict):
            raise ImportFailed(where, f"expected a ticket event object, got a JSON {json_type(event)}")
        ticket_id = ident(event, "ticket_id", where) or where
        comments = [{"created_at": event.get("created_at", event.get("timestamp")), **child}
                    for child in listed(event, "child_events", where, "child events")
                    if isinstance(child, dict) and child.get("event_type") == "Comment"]
        self._comments(comments, where, ticket_id, "")

    def _comments(self, comments: list, where: str, ticket: str, subject: str) -> None:
        for n, raw in enumerate(comments):
            at = f"{where}: comment {n}"
            if not isinstance(raw, dict):
                raise ImportFailed(at, f"expected a comment object, got a JSON {json_type(raw)}")
            comment_id = ident(raw, "id", at)
            if comment_id and (ticket, comment_id) in self.seen:
                continue  # the same ticket in two pages of an incremental export
            self.seen.add((ticket, comment_id))
            message = _message(raw, at, ticket, subject, comment_id)
            add_alias(self.export.aliases, message.author_id)  # --me by id even without the users export
            self.export.messages.append(message)


def _message(raw: dict, where: str, ticket: str, subject: str, comment_id: str) -> Message:
    author = ident(raw, "author_id", where) or "unknown"
    channel = ident(obj(raw, "via", where), "channel", where)
    body = (string(raw, "body", where) or string(raw, "plain_body", where)
            or html_to_text(string(raw, "html_body", where)))
    text = clean_text(body, channel)
    public = raw.get("public", True)
    if not isinstance(public, bool):
        raise ImportFailed(where, f"'public' must be true or false, got a JSON {json_type(public)}")
    attachments = listed(raw, "attachments", where, "attachments")
    kind = kind_of(text, bot=author == SYSTEM_AUTHOR or channel == "rule", internal=not public,
                   attachments=bool(attachments))
    if string(raw, "type", where) == "VoiceComment":
        kind = "system"
    return Message(conversation=f"zendesk:{ticket}", author_id=author, text=text,
                   timestamp_s=timestamp_s(raw.get("created_at"), where, "created_at"), kind=kind, hint=subject,
                   message_id=f"{ticket}/{comment_id}" if comment_id else "")


def read(path: Path) -> Export:
    """Every comment of every ticket in the file, or in every .json/.jsonl/.ndjson file of the folder."""
    path = Path(path)
    check_input(path)
    reader = _Reader()
    files = walk(path, SUFFIXES, reader.export.skipped) if path.is_dir() else [path]
    if not files:
        raise ImportFailed(path, f"no {', '.join(SUFFIXES)} files in this folder (expected a Zendesk JSON export)")
    for file in files:
        for where, value in _documents(file):
            reader.take(value, where)
    if not reader.export.messages:
        why = (f"{reader.tickets_without_comments} tickets but no comments; the incremental tickets API leaves "
               "comments out: use the account's JSON export or the ticket comments API"
               if reader.tickets_without_comments else "no ticket comments found")
        raise ImportFailed(path, f"not a Zendesk export with comments: {why}")
    return reader.export


# Support tickets are answered in hours or days; the reply answers the customer's last words.
SOURCE = Source(name="zendesk", label="Zendesk", read=read, context="work_planning",
                rules=PairingRules(merge_gap_s=600.0, reply_window_s=14 * 86400.0, max_context_turns=2))
