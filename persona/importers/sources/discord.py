"""Read a DiscordChatExporter JSON export (one channel per file, or a folder of them).

Shape: {"guild": {...}, "channel": {"id", "name", ...}, "messages": [{"id", "type", "timestamp",
"content", "author": {"id", "name", "nickname", "isBot"}, "attachments", "embeds",
"reference": {"messageId"}}]}. Mentions are already rendered as "@name" by the exporter.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from ..fields import ident, json_type, obj, string
from ..files import check_input, read_bytes, walk
from ..messages import Export, ImportFailed, Message, add_alias, read_json, replace_emoji_codes, tidy
from ..pairing import PairingRules
from ..source import Source

_NORMAL_TYPES = {"Default", "Reply", "0", "19"}
_CUSTOM_EMOJI = re.compile(r"<a?:(\w+):\d+>")
_RAW_MENTION = re.compile(r"<[@#][!&]?\d+>")


def _timestamp_s(value, where: str) -> float:
    if not isinstance(value, str):
        raise ImportFailed(where, f"'timestamp' must be an ISO 8601 string, got a JSON {json_type(value)}")
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        raise ImportFailed(where, f"timestamp {value!r} is not ISO 8601") from None


def clean_text(text: str) -> str:
    """Custom emoji become their code (then resolved or removed); raw mentions go."""
    text = _CUSTOM_EMOJI.sub(lambda m: f":{m.group(1)}:", text)
    return tidy(replace_emoji_codes(_RAW_MENTION.sub("", text)))


def _kind(raw: dict, author: dict, text: str) -> str:
    if author.get("isBot"):
        return "bot"
    if str(raw.get("type", "Default")) not in _NORMAL_TYPES:
        return "system"
    if not text:
        has_media = raw.get("attachments") or raw.get("embeds") or raw.get("stickers")
        return "attachment_only" if has_media else "empty"
    return "message"


def _message(raw: dict, where: str, conversation: str, name: str, export: Export) -> Message:
    author = obj(raw, "author", where)
    if not author or "timestamp" not in raw:
        raise ImportFailed(where, "expected 'author' and 'timestamp'")
    author_id = ident(author, "id", where) or string(author, "name", where) or "unknown"
    discriminator = ident(author, "discriminator", where)
    author_name = string(author, "name", where)
    tag = f"{author_name}#{discriminator}" if discriminator not in ("", "0", "0000") else None
    add_alias(export.aliases, author_id, author_name, string(author, "nickname", where), tag)
    text = clean_text(string(raw, "content", where))
    reference = obj(raw, "reference", where)
    return Message(conversation=conversation, author_id=author_id, text=text,
                   timestamp_s=_timestamp_s(raw["timestamp"], where), kind=_kind(raw, author, text), hint=name,
                   message_id=ident(raw, "id", where), reply_to=ident(reference, "messageId", where))


def _read_file(path: Path, export: Export) -> None:
    data = read_json(path, read_bytes(path))
    if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
        raise ImportFailed(path, "not a DiscordChatExporter JSON export: no 'messages' list")
    channel = obj(data, "channel", str(path))
    name = string(channel, "name", str(path)) or path.stem
    conversation = f"{path.name}:{ident(channel, 'id', str(path)) or name}"
    for i, raw in enumerate(data["messages"]):
        if not isinstance(raw, dict):
            raise ImportFailed(path, f"message {i}: expected an object, got a JSON {json_type(raw)}")
        export.messages.append(_message(raw, f"{path}: message {i}", conversation, name, export))


def read(path: Path) -> Export:
    """Messages of one exported channel file, or of every .json file in a folder."""
    path = Path(path)
    check_input(path)
    files = walk(path, (".json",)) if path.is_dir() else [path]
    if not files:
        raise ImportFailed(path, "no .json files in this folder (expected DiscordChatExporter JSON)")
    export = Export([])
    for file in files:
        _read_file(file, export)
    return export


# Chat is answered in minutes or hours.
SOURCE = Source(name="discord", label="Discord", read=read, rules=PairingRules(), context="casual")
