"""Read a Slack workspace export (folder or .zip) into messages.

Layout: users.json, channels.json (and groups.json, dms.json, mpims.json), then one folder per
conversation holding one JSON list of messages per day (2024-03-15.json). Thread replies carry
`thread_ts` of their parent; a thread with its parent is one conversation of its own.
"""

from __future__ import annotations

import html
import re
from pathlib import Path, PurePosixPath

from ..fields import ident, items, number, obj, string
from ..files import check_input, read_bytes, read_zip, walk
from ..messages import Export, ImportFailed, Message, add_alias, read_json, replace_emoji_codes, tidy
from ..pairing import PairingRules
from ..source import Source

_DAY_FILE = re.compile(r"^\d{4}-\d{2}-\d{2}\.json$")
_LISTS = ("channels.json", "groups.json", "dms.json", "mpims.json")
_NORMAL_SUBTYPES = {None, "", "thread_broadcast", "me_message", "file_share"}
_BOT_SUBTYPES = {"bot_message", "bot_add", "bot_remove"}
_USER_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")
_CHANNEL_MENTION = re.compile(r"<#([CG][A-Z0-9]+)(?:\|([^>]*))?>")
_SPECIAL = re.compile(r"<!(here|channel|everyone)(?:\|[^>]*)?>")
_SUBTEAM_OR_DATE = re.compile(r"<!(?:subteam\^[A-Z0-9]+|date\^[^|>]*)\|([^>]*)>")
_LINK = re.compile(r"<((?:https?|mailto|ftp):[^|>]+)(?:\|([^>]*))?>")


def _files(path: Path) -> dict[str, bytes]:
    """Relative POSIX path -> bytes of every JSON file in the folder or zip (see files.py for the limits)."""
    check_input(path)
    if path.is_dir():
        return {p.relative_to(path).as_posix(): read_bytes(p) for p in walk(path, (".json",))}
    return read_zip(path)


def _rooted(files: dict[str, bytes], path: Path) -> dict[str, bytes]:
    """Strip the folder a zip may wrap everything in, so users.json is at the root."""
    roots = [PurePosixPath(n).parent for n in files if PurePosixPath(n).name == "users.json"]
    if not roots:
        raise ImportFailed(path, "not a Slack export: no users.json found")
    root = min(roots, key=lambda p: len(p.parts))
    prefix = "" if str(root) == "." else f"{root}/"
    return {n[len(prefix):]: b for n, b in files.items() if n.startswith(prefix)}


def clean_text(text: str, names: dict[str, str], channels: dict[str, str]) -> str:
    """Slack mrkdwn to plain text: mentions by name, links by label, emoji codes resolved."""
    text = _USER_MENTION.sub(lambda m: "@" + (m.group(2) or names.get(m.group(1), "someone")), text)
    text = _CHANNEL_MENTION.sub(lambda m: "#" + (m.group(2) or channels.get(m.group(1), "channel")), text)
    text = _SPECIAL.sub(lambda m: "@" + m.group(1), text)
    text = _SUBTEAM_OR_DATE.sub(lambda m: m.group(1), text)
    text = _LINK.sub(lambda m: m.group(2) or m.group(1).removeprefix("mailto:"), text)
    return tidy(replace_emoji_codes(html.unescape(text)))


def _kind(raw: dict, text: str, bots: set[str], author: str) -> str:
    subtype = raw.get("subtype")
    if subtype in _BOT_SUBTYPES or raw.get("bot_id") or author in bots:
        return "bot"
    if subtype not in _NORMAL_SUBTYPES or raw.get("type", "message") != "message":
        return "system"
    if not text:
        return "attachment_only" if raw.get("files") or raw.get("attachments") else "empty"
    return "message"


def _users(path: Path, files: dict[str, bytes]) -> tuple[dict, dict, set]:
    """(aliases, display names, bot ids) from users.json."""
    where = f"{path}/users.json"
    users = items(read_json(path, files["users.json"], where), where, "users")
    aliases: dict[str, set[str]] = {}
    names, bots = {}, {"USLACKBOT"}
    for n, user in enumerate(users):
        if not isinstance(user, dict):
            continue
        at = f"{where}: user {n}"
        user_id = ident(user, "id", at)
        if not user_id:
            continue
        profile = obj(user, "profile", at)
        display = (string(profile, "display_name", at) or string(user, "real_name", at)
                   or string(user, "name", at) or user_id)
        names[user_id] = display
        add_alias(aliases, user_id, string(user, "name", at), string(user, "real_name", at),
                  string(profile, "real_name", at), string(profile, "display_name", at),
                  string(profile, "email", at))
        if user.get("is_bot") or user.get("is_app_user"):
            bots.add(user_id)
    return aliases, names, bots


def _channels(path: Path, files: dict[str, bytes]) -> dict[str, str]:
    channels = {}
    for listing in _LISTS:
        if listing in files:
            where = f"{path}/{listing}"
            entries = read_json(path, files[listing], where)
            for n, entry in enumerate(items(entries or [], where, "channels")):
                if isinstance(entry, dict):
                    channel_id = ident(entry, "id", f"{where}: entry {n}")
                    channels[channel_id] = string(entry, "name", f"{where}: entry {n}") or channel_id
    return channels


def _message(raw: dict, where: str, channel: str, names, channels, bots) -> Message:
    text = clean_text(string(raw, "text", where), names, channels)
    ts = number(raw, "ts", where)
    thread = ident(raw, "thread_ts", where)
    in_thread = thread and (thread != str(raw["ts"]) or raw.get("reply_count"))
    author = ident(raw, "user", where) or ident(raw, "bot_id", where) or "unknown"
    return Message(conversation=f"{channel}/{thread}" if in_thread else channel, author_id=author, text=text,
                   timestamp_s=ts, kind=_kind(raw, text, bots, author), hint=channel, message_id=str(raw["ts"]))


def read(path: Path) -> Export:
    """All messages of a Slack export, threads as their own conversations."""
    path = Path(path)
    files = _rooted(_files(path), path)
    aliases, names, bots = _users(path, files)
    channels = _channels(path, files)
    day_files = sorted(n for n in files if "/" in n and _DAY_FILE.match(PurePosixPath(n).name))
    if not day_files:
        raise ImportFailed(path, "not a Slack export: no per-day message files (channel/YYYY-MM-DD.json)")
    messages = []
    for name in day_files:
        channel = str(PurePosixPath(name).parent)
        where = f"{path}/{name}"
        day = items(read_json(path, files[name], where), where, "messages")
        for n, raw in enumerate(day):
            if isinstance(raw, dict) and "ts" in raw:
                messages.append(_message(raw, f"{where}: message {n}", channel, names, channels, bots))
    return Export(messages, aliases)


# Chat is answered in minutes or hours.
SOURCE = Source(name="slack", label="Slack", read=read, rules=PairingRules(), context="casual")
