"""What every importer produces: messages in one shape, plus who wrote them.

Readers (the modules of sources/: slack, discord, mbox, github, notes) turn an export into an `Export`;
pairing.py and pipeline.py never look at source formats. Readers also classify messages that
must not become training text (bots, joins, attachment-only), so drop counts are per reason.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

KEPT = "message"
"""Kind of a message that can take part in pairing; any other kind is a drop reason."""
INTERNAL = "internal"
"""Kind of a note only colleagues see (a private Zendesk comment, an internal or restricted Jira comment):
left out unless the import asks for internal notes, then KEPT like any message."""
DROP_KINDS = ("bot", "system", "empty", "attachment_only", INTERNAL)
"""Drop reasons a reader may assign; pairing adds 'no_context'."""


class ImportFailed(Exception):
    """An export that cannot be imported; the message names the path and what is wrong."""

    def __init__(self, path: Path | str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


@dataclass
class Message:
    """One message of any source, text already cleaned of source markup."""

    conversation: str
    """Stream key (channel, thread, email subject, issue); pairing stays inside one stream."""
    author_id: str
    """Canonical author id within the export (Slack user id, login, email address…)."""
    text: str
    """Plain text, mentions/links/emoji/quotes cleaned; scrubbed before pairing."""
    timestamp_s: float
    """Unix time in seconds."""
    kind: str = KEPT
    """KEPT, or why the message is dropped: one of DROP_KINDS (INTERNAL only until internal notes are asked for)."""
    hint: str = ""
    """Channel name, subject or title; helps infer the context."""
    message_id: str = ""
    """Id other messages can reply to ('' if the source has none)."""
    reply_to: str = ""
    """message_id this one answers explicitly (Discord reply, In-Reply-To, review thread)."""
    generated: bool = False
    """Written by the reader (a notes prompt), not read from the export; not counted as read."""


@dataclass
class Export:
    """Everything a reader found in one export."""

    messages: list[Message]
    """All messages, including the ones to drop."""
    aliases: dict[str, set[str]] = field(default_factory=dict)
    """author_id -> lower-cased identities (id, names, emails, logins) that --me may use."""
    skipped: list[str] = field(default_factory=list)
    """Files left out of the import, each as 'path: why' (binary, not UTF-8, a symlink outside)."""
    names: dict[str, str] = field(default_factory=dict)
    """author_id -> the name a person knows them by, for the candidates an unknown --me is told about
    (an author missing here is shown by id)."""


def resolve_me(export: Export, me: str) -> set[str]:
    """Author ids whose id, name, email or login equals `me` (case-insensitive)."""
    wanted = me.strip().lower().lstrip("@")
    return {author for author, names in export.aliases.items()
            if wanted in names or wanted == author.lower()}


def add_alias(aliases: dict[str, set[str]], author_id: str, *names) -> None:
    """Record identities of an author, skipping empty ones."""
    bucket = aliases.setdefault(author_id, {author_id.lower()})
    bucket.update(str(n).strip().lower().lstrip("@") for n in names if n and str(n).strip())


def read_json(path: Path | str, raw: bytes, where: str | None = None):
    """Parse JSON, or ImportFailed naming the file, line and column (or the nesting that is too deep)."""
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as err:
        raise ImportFailed(where or path, f"not UTF-8 text (byte {err.start})") from None
    except json.JSONDecodeError as err:
        raise ImportFailed(where or path, f"bad JSON at line {err.lineno} column {err.colno}: {err.msg}") from None
    except RecursionError:
        raise ImportFailed(where or path, "JSON nested too deeply to be an export") from None


_BLANK_RUNS = re.compile(r"\n{3,}")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def tidy(text: str) -> str:
    """Trim, drop trailing spaces, collapse runs of blank lines; a lone surrogate (from a JSON escape
    like "\\ud83d" without its pair) becomes U+FFFD, so the text can be written as UTF-8."""
    text = _LONE_SURROGATE.sub("\ufffd", text.replace("\r\n", "\n"))
    return _BLANK_RUNS.sub("\n\n", _TRAILING_SPACE.sub("\n", text)).strip()


EMOJI = {
    "smile": "😄", "slightly_smiling_face": "🙂", "grinning": "😀", "joy": "😂", "laughing": "😆",
    "wink": "😉", "sweat_smile": "😅", "thinking_face": "🤔", "thinking": "🤔", "+1": "👍",
    "thumbsup": "👍", "-1": "👎", "thumbsdown": "👎", "tada": "🎉", "heart": "❤️", "fire": "🔥",
    "pray": "🙏", "eyes": "👀", "rocket": "🚀", "100": "💯", "white_check_mark": "✅",
    "heavy_check_mark": "✔️", "x": "❌", "warning": "⚠️", "wave": "👋", "clap": "👏", "cry": "😢",
    "sob": "😭", "shrug": "🤷", "facepalm": "🤦", "ok_hand": "👌", "muscle": "💪", "coffee": "☕",
    "beers": "🍻", "sunglasses": "😎", "upside_down_face": "🙃", "raised_hands": "🙌",
}
"""Common emoji codes kept as characters (emoji use is part of a person's style); others go."""

# A code stands apart from the words around it: `user:1042:profile:v3` is a key, not an emoji.
_EMOJI_CODE = re.compile(r"(?<![\w:]):(?=[a-z0-9_+'-]*[a-z+])([a-z0-9_+'-]{1,40}):(?::skin-tone-\d:)?(?![\w:])")


def replace_emoji_codes(text: str) -> str:
    """':tada:' -> '🎉'; unknown codes are removed; colons inside words (`user:1042:profile:v3`) stay."""
    return _EMOJI_CODE.sub(lambda m: EMOJI.get(m.group(1), ""), text)
