"""Jira comment bodies as text: Atlassian Document Format (Cloud REST v3) and wiki markup (REST v2, Server,
the CSV export). Mentions become '@Name', links their label, code blocks fences; quoted text (a blockquote,
{quote}, 'bq.') is someone else's words and goes; embedded images and files are attachments, not words.

    text, has_media = adf_to_text({"type": "doc", "content": [...]}, where)
    text, has_media = wiki_to_text("Thanks [~accountid:5b10ac8d]! {code}x = 1{code}", names)
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from ..fields import json_type, obj, string
from ..messages import ImportFailed, tidy
from ._tickets import listed

MAX_ADF_DEPTH = 64
"""Deepest ADF nesting read; editors write a handful of levels (a table in a panel in a list)."""

_MEDIA = {"media", "mediaSingle", "mediaGroup", "mediaInline"}
_LISTS = {"bulletList", "orderedList", "taskList", "decisionList"}
_BLOCKS = {"paragraph", "heading"}

_CODE = re.compile(r"\{(code|noformat)(?::[^}\n]*)?\}(.*?)\{\1\}", re.S)
_QUOTE = re.compile(r"\{quote\}.*?\{quote\}", re.S)
_QUOTE_LINE = re.compile(r"^bq\. .*$\n?", re.M)
_MENTION = re.compile(r"\[~(?:accountid:)?([^\]\n]+)\]")
_LINK = re.compile(r"\[([^|\]\n]*)\|([^|\]\n]+)(?:\|[^\]\n]*)?\]")
_BARE_LINK = re.compile(r"\[((?:https?|mailto|ftp):[^\]\s]+)\]")
_EMBED = re.compile(r"!((?:[^!\s|]+\.(?:png|jpe?g|gif|svg|bmp|webp|pdf|mp4|mov|zip|txt|log))|https?://[^!\s|]+)"
                    r"(?:\|[^!\n]*)?!", re.I)
_HEADING = re.compile(r"^h[1-6]\. ", re.M)
_DECORATION = re.compile(r"\{(?:color|panel)(?::[^}\n]*)?\}")


def adf_to_text(doc, where: str) -> tuple[str, bool]:
    """(text, whether it embeds media) of an ADF document; ImportFailed for a node of the wrong shape."""
    media: list[bool] = []

    def walk(node, depth: int) -> str:
        if depth > MAX_ADF_DEPTH:
            raise ImportFailed(where, f"ADF body nested deeper than {MAX_ADF_DEPTH} levels")
        if not isinstance(node, dict):
            raise ImportFailed(where, f"an ADF node must be an object, got a JSON {json_type(node)}")
        kind, attrs = string(node, "type", where), obj(node, "attrs", where)
        leaf = _leaf(kind, node, attrs, where)
        if leaf is not None:
            return leaf
        if kind in _MEDIA:
            media.append(True)
            return ""
        if kind == "blockquote":
            return ""
        inner = "".join(walk(child, depth + 1) for child in listed(node, "content", where, "ADF nodes"))
        return _block(kind, inner)

    return tidy(walk(doc, 0)), bool(media)


def _leaf(kind: str, node: dict, attrs: dict, where: str) -> str | None:
    """The text of a node without children that count, or None for a node whose children make its text."""
    if kind == "text":
        return string(node, "text", where)
    if kind == "hardBreak":
        return "\n"
    if kind in ("mention", "status"):
        return string(attrs, "text", where)
    if kind == "emoji":
        return string(attrs, "text", where) or string(attrs, "shortName", where)
    if kind in ("inlineCard", "blockCard", "embedCard"):
        return string(attrs, "url", where)
    if kind == "rule":
        return "\n---\n\n"
    if kind == "date":
        stamp = string(attrs, "timestamp", where)
        return datetime.fromtimestamp(int(stamp) / 1000, timezone.utc).date().isoformat() if stamp.isdigit() else ""
    return None


def _block(kind: str, inner: str) -> str:
    if kind in _BLOCKS:
        return inner + "\n\n"
    if kind in ("listItem", "taskItem", "decisionItem"):
        return "- " + inner.strip() + "\n"
    if kind in _LISTS:
        return inner + "\n"
    if kind == "codeBlock":
        return f"```\n{inner}\n```\n\n"
    if kind in ("tableCell", "tableHeader"):
        return inner.strip() + " | "
    if kind == "tableRow":
        return inner.rstrip(" |") + "\n"
    return inner  # doc, panel, expand, table, and node types added after this was written


def wiki_to_text(text: str, names: dict[str, str]) -> tuple[str, bool]:
    """(text, whether it embeds an attachment) of a wiki-markup body; `names` turns mentioned ids into names."""
    pieces, media, start = [], False, 0
    for code in _CODE.finditer(text):
        prose, found = _wiki_prose(text[start:code.start()], names)
        pieces += [prose, f"\n```\n{code.group(2).strip(chr(10))}\n```\n"]
        media, start = media or found, code.end()
    prose, found = _wiki_prose(text[start:], names)
    return tidy("".join(pieces + [prose])), media or found


def _wiki_prose(text: str, names: dict[str, str]) -> tuple[str, bool]:
    text = _QUOTE_LINE.sub("", _QUOTE.sub("", text))
    media = bool(_EMBED.search(text))
    text = _EMBED.sub("", text)
    text = _MENTION.sub(lambda m: "@" + names.get(m.group(1), "someone"), text)
    text = _LINK.sub(lambda m: m.group(1) or m.group(2), text)
    text = _BARE_LINK.sub(lambda m: m.group(1), text)
    return _DECORATION.sub("", _HEADING.sub("", text)), media
