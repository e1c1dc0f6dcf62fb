"""Read a DiscordChatExporter JSON export (one channel per file, or a folder of them).

Shape: {"guild": {...}, "channel": {"id", "name", ...}, "messages": [{"id", "type", "timestamp",
"content", "author": {"id", "name", "nickname", "isBot"}, "attachments", "embeds",
"reference": {"messageId"}}]}. Mentions are already rendered as "@name" by the exporter.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from .messages import Export, ImportFailed, Message, add_alias, read_bytes, read_json, replace_emoji_codes, tidy

_NORMAL_TYPES = {"Default", "Reply", "0", "19"}
_CUSTOM_EMOJI = re.compile(r"<a?:(\w+):\d+>")
_RAW_MENTION = re.compile(r"<[@#][!&]?\d+>")


def _timestamp_s(value: str, where: str) -> float:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except (TypeError, ValueError):
        raise ImportFailed(where, f"timestamp {value!r} is not ISO 8601") from None


def clean_text(text: str) -> str:
    """Custom emoji become their code (then resolved or removed); raw mentions go."""
    text = _CUSTOM_EMOJI.sub(lambda m: f":{m.group(1)}:", text)
    return tidy(replace_emoji_codes(_RAW_MENTION.sub("", text)))


def _kind(raw: dict, text: str) -> str:
    if (raw.get("author") or {}).get("isBot"):
        return "bot"
    if str(raw.get("type", "Default")) not in _NORMAL_TYPES:
        return "system"
    if not text:
        has_media = raw.get("attachments") or raw.get("embeds") or raw.get("stickers")
        return "attachment_only" if has_media else "empty"
    return "message"


def _read_file(path: Path, export: Export) -> None:
    data = read_json(path, read_bytes(path))
    if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
        raise ImportFailed(path, "not a DiscordChatExporter JSON export: no 'messages' list")
    channel = data.get("channel") or {}
    name = channel.get("name") or path.stem
    conversation = f"{path.name}:{channel.get('id', name)}"
    for i, raw in enumerate(data["messages"]):
        author = raw.get("author") if isinstance(raw, dict) else None
        if not isinstance(author, dict) or "timestamp" not in raw:
            raise ImportFailed(path, f"message {i}: expected 'author' and 'timestamp'")
        author_id = str(author.get("id") or author.get("name"))
        discriminator = author.get("discriminator")
        tag = f"{author.get('name')}#{discriminator}" if discriminator not in (None, "", "0000") else None
        add_alias(export.aliases, author_id, author.get("name"), author.get("nickname"), tag)
        text = clean_text(raw.get("content") or "")
        export.messages.append(Message(
            conversation=conversation, author_id=author_id, text=text,
            timestamp_s=_timestamp_s(raw["timestamp"], f"{path}: message {i}"),
            kind=_kind(raw, text), hint=name, message_id=str(raw.get("id", "")),
            reply_to=str((raw.get("reference") or {}).get("messageId") or "")))


def read(path: Path) -> Export:
    """Messages of one exported channel file, or of every .json file in a folder."""
    path = Path(path)
    files = sorted(path.glob("*.json")) if path.is_dir() else [path]
    if not files:
        raise ImportFailed(path, "no .json files in this folder (expected DiscordChatExporter JSON)")
    export = Export([])
    for file in files:
        _read_file(file, export)
    return export
