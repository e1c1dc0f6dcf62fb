"""Read GitHub issue / pull-request comments as the REST API returns them (a JSON list).

Accepted items: issue comments (`issue_url`), review comments (`pull_request_url`, optional
`in_reply_to_id`) and issues or pulls themselves (`number`, `title`, `body`). Comments on one
issue or pull request form one conversation; the title is the hint.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from ..fields import ident, string
from ..files import read_bytes
from ..messages import Export, ImportFailed, Message, add_alias, read_json, tidy
from ..pairing import PairingRules
from ..source import Source

_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_QUOTE = re.compile(r"^\s*>.*$\n?", re.M)


def clean_text(body: str) -> str:
    """Markdown kept; HTML comments (templates) and quoted lines of other comments removed."""
    return tidy(_QUOTE.sub("", _HTML_COMMENT.sub("", body)))


def _thread(item: dict, where: str) -> str:
    url = (string(item, "issue_url", where) or string(item, "pull_request_url", where)
           or string(item, "url", where))
    # Review comments point at /pulls/N, issue comments on the same PR at /issues/N.
    return url.replace("/pulls/", "/issues/")


def _timestamp_s(value, where: str) -> float:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()
    except ValueError:
        raise ImportFailed(where, f"created_at {value!r} is not ISO 8601") from None


def _message(item: dict, where: str, titles: dict, export: Export) -> Message:
    user = item["user"]
    login = ident(user, "login", where) or ident(user, "id", where) or "unknown"
    add_alias(export.aliases, login, ident(user, "id", where), string(user, "name", where),
              string(user, "email", where))
    text = clean_text(string(item, "body", where))
    title = string(item, "title", where)
    if title:
        text = tidy(f"{title}\n\n{text}")
    is_bot = string(user, "type", where) == "Bot" or login.endswith("[bot]")
    thread = _thread(item, where)
    return Message(conversation=thread, author_id=login, text=text,
                   timestamp_s=_timestamp_s(string(item, "created_at", where), where),
                   kind="bot" if is_bot else ("message" if text else "empty"),
                   hint=titles.get(thread, string(item, "path", where)), message_id=ident(item, "id", where),
                   reply_to=ident(item, "in_reply_to_id", where))


def read(path: Path) -> Export:
    """Every comment (and issue/PR body) of the JSON list."""
    path = Path(path)
    items = read_json(path, read_bytes(path))
    if isinstance(items, dict):
        raise ImportFailed(path, "not GitHub REST API comments: expected a JSON list, got an object")
    if not isinstance(items, list) or not all(
            isinstance(i, dict) and isinstance(i.get("user"), dict) and "body" in i for i in items):
        raise ImportFailed(path, "not GitHub REST API comments: expected a list of objects with 'user' and 'body'")
    titles = {}
    for n, item in enumerate(items):
        title = string(item, "title", f"{path}: item {n}")
        if title:
            titles[_thread(item, f"{path}: item {n}")] = title
    export = Export([])
    for n, item in enumerate(items):
        export.messages.append(_message(item, f"{path}: item {n}", titles, export))
    return export


# Issues and reviews are answered in days or weeks.
SOURCE = Source(name="github", label="GitHub", read=read, context="work_technical",
                rules=PairingRules(merge_gap_s=600.0, reply_window_s=30 * 86400.0, max_context_turns=2))
