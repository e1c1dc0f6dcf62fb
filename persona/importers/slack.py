"""Read a Slack workspace export (folder or .zip) into messages.

Layout: users.json, channels.json (and groups.json, dms.json, mpims.json), then one folder per
conversation holding one JSON list of messages per day (2024-03-15.json). Thread replies carry
`thread_ts` of their parent; a thread with its parent is one conversation of its own.
"""

from __future__ import annotations

import html
import re
import zipfile
from pathlib import Path, PurePosixPath

from .messages import Export, ImportFailed, Message, add_alias, read_json, replace_emoji_codes, tidy

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
    """Relative POSIX path -> bytes of every JSON file in the folder or zip."""
    if path.is_dir():
        return {p.relative_to(path).as_posix(): p.read_bytes() for p in path.rglob("*.json")}
    if not path.exists():
        raise ImportFailed(path, "no such file or folder")
    try:
        with zipfile.ZipFile(path) as archive:
            return {n: archive.read(n) for n in archive.namelist() if n.endswith(".json")}
    except (zipfile.BadZipFile, EOFError):
        raise ImportFailed(path, "not a readable zip archive (expected a Slack export folder or .zip)") from None
    except OSError as err:
        raise ImportFailed(path, f"cannot read ({err.strerror})") from None


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


def _kind(raw: dict, text: str, bots: set[str]) -> str:
    subtype = raw.get("subtype")
    if subtype in _BOT_SUBTYPES or raw.get("bot_id") or raw.get("user") in bots:
        return "bot"
    if subtype not in _NORMAL_SUBTYPES or raw.get("type", "message") != "message":
        return "system"
    if not text:
        return "attachment_only" if raw.get("files") or raw.get("attachments") else "empty"
    return "message"


def read(path: Path) -> Export:
    """All messages of a Slack export, threads as their own conversations."""
    files = _rooted(_files(Path(path)), path)
    users = read_json(path, files["users.json"], f"{path}/users.json")
    if not isinstance(users, list):
        raise ImportFailed(f"{path}/users.json", "expected a list of users")
    aliases: dict[str, set[str]] = {}
    names, bots = {}, {"USLACKBOT"}
    for user in users:
        if not isinstance(user, dict) or not user.get("id"):
            continue
        profile = user.get("profile") or {}
        display = profile.get("display_name") or user.get("real_name") or user.get("name") or user["id"]
        names[user["id"]] = display
        add_alias(aliases, user["id"], user.get("name"), user.get("real_name"), profile.get("real_name"),
                  profile.get("display_name"), profile.get("email"))
        if user.get("is_bot") or user.get("is_app_user"):
            bots.add(user["id"])
    channels = {}
    for listing in _LISTS:
        if listing in files:
            for entry in read_json(path, files[listing], f"{path}/{listing}") or []:
                channels[entry.get("id", "")] = entry.get("name") or entry.get("id", "")

    day_files = sorted(n for n in files if "/" in n and _DAY_FILE.match(PurePosixPath(n).name))
    if not day_files:
        raise ImportFailed(path, "not a Slack export: no per-day message files (channel/YYYY-MM-DD.json)")
    messages = []
    for name in day_files:
        channel = str(PurePosixPath(name).parent)
        day = read_json(path, files[name], f"{path}/{name}")
        if not isinstance(day, list):
            raise ImportFailed(f"{path}/{name}", "expected a list of messages")
        for raw in day:
            if not isinstance(raw, dict) or "ts" not in raw:
                continue
            text = clean_text(raw.get("text") or "", names, channels)
            thread = raw.get("thread_ts")
            in_thread = thread and (thread != raw["ts"] or raw.get("reply_count"))
            messages.append(Message(
                conversation=f"{channel}/{thread}" if in_thread else channel,
                author_id=raw.get("user") or raw.get("bot_id") or "unknown",
                text=text, timestamp_s=float(raw["ts"]), kind=_kind(raw, text, bots),
                hint=channel, message_id=raw["ts"]))
    return Export(messages, aliases)
