"""Read GitHub issue / pull-request comments as the REST API returns them (a JSON list).

Accepted items: issue comments (`issue_url`), review comments (`pull_request_url`, optional
`in_reply_to_id`) and issues or pulls themselves (`number`, `title`, `body`). Comments on one
issue or pull request form one conversation; the title is the hint.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from .messages import Export, ImportFailed, Message, add_alias, read_bytes, read_json, tidy

_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_QUOTE = re.compile(r"^\s*>.*$\n?", re.M)


def clean_text(body: str) -> str:
    """Markdown kept; HTML comments (templates) and quoted lines of other comments removed."""
    return tidy(_QUOTE.sub("", _HTML_COMMENT.sub("", body)))


def _thread(item: dict) -> str:
    url = item.get("issue_url") or item.get("pull_request_url") or item.get("url") or ""
    # Review comments point at /pulls/N, issue comments on the same PR at /issues/N.
    return url.replace("/pulls/", "/issues/")


def _timestamp_s(value, where: str) -> float:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()
    except ValueError:
        raise ImportFailed(where, f"created_at {value!r} is not ISO 8601") from None


def read(path: Path) -> Export:
    """Every comment (and issue/PR body) of the JSON list."""
    path = Path(path)
    items = read_json(path, read_bytes(path))
    if isinstance(items, dict):
        raise ImportFailed(path, "not GitHub REST API comments: expected a JSON list, got an object")
    if not isinstance(items, list) or not all(
            isinstance(i, dict) and isinstance(i.get("user"), dict) and "body" in i for i in items):
        raise ImportFailed(path, "not GitHub REST API comments: expected a list of objects with 'user' and 'body'")
    titles = {_thread(i): i["title"] for i in items if i.get("title")}
    export = Export([])
    for n, item in enumerate(items):
        user = item["user"]
        login = str(user.get("login") or user.get("id"))
        add_alias(export.aliases, login, user.get("id"), user.get("name"), user.get("email"))
        text = clean_text(item.get("body") or "")
        if item.get("title"):
            text = tidy(f"{item['title']}\n\n{text}")
        is_bot = user.get("type") == "Bot" or login.endswith("[bot]")
        thread = _thread(item)
        export.messages.append(Message(
            conversation=thread, author_id=login, text=text,
            timestamp_s=_timestamp_s(item.get("created_at"), f"{path}: item {n}"),
            kind="bot" if is_bot else ("message" if text else "empty"),
            hint=titles.get(thread, item.get("path", "")), message_id=str(item.get("id", "")),
            reply_to=str(item.get("in_reply_to_id") or "")))
    return export
