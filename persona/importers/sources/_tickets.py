"""What the ticket importers (jira, zendesk, linear) share: timestamps, CSV tables, message kinds.

A ticket is one conversation: its description (or first comment), then its comments in time order; its
subject is the hint. Readers mark notes only colleagues see INTERNAL (left out unless the import asks for
internal notes), automation 'bot', and a comment with attachments but no text 'attachment_only':
attachments are listed in exports, never read.

    table = read_csv(path, "Jira CSV export")
    created = timestamp_s("2024-03-11T09:12:33.000+0000", where, "created")
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ..fields import items, json_type
from ..files import read_bytes
from ..messages import INTERNAL, KEPT, ImportFailed

MAX_CSV_FIELD_CHARS = 8 * 2**20
"""Largest CSV cell read (a long description); Python's default of 128 KiB is below what Jira writes."""

_MARKDOWN_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\s]*\)")


def timestamp_s(value, where: str, key: str) -> float:
    """Unix seconds of an ISO 8601 string (a time without offset is UTC) or of a number of epoch seconds."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, str):
        raise ImportFailed(where, f"'{key}' must be an ISO 8601 time, got a JSON {json_type(value)}")
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ImportFailed(where, f"'{key}' {value[:40]!r} is not an ISO 8601 time") from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp()


def listed(raw: dict, key: str, where: str, what: str) -> list:
    """A list field; null or missing gives [] (an object or a string is refused, naming `what`)."""
    value = raw.get(key)
    return [] if value is None else items(value, where, what)


def kind_of(text: str, bot: bool = False, internal: bool = False, attachments: bool = False) -> str:
    """The message kind of one ticket comment, by the rules of this module's docstring."""
    if bot:
        return "bot"
    if not text:
        return "attachment_only" if attachments else "empty"
    return INTERNAL if internal else KEPT


def drop_markdown_images(text: str) -> tuple[str, bool]:
    """(text, whether it embedded any): '![screenshot.png](https://…)' embeds are attachments, not words."""
    kept = _MARKDOWN_IMAGE.sub("", text)
    return kept, kept != text


@dataclass
class CsvTable:
    """A CSV export read whole: the header (names may repeat, as Jira's 'Comment' does) and the rows."""

    path: Path
    """The file, for error messages."""
    header: list[str]
    """Column names, stripped, in file order."""
    rows: list[tuple[int, list[str]]]
    """(line number, cells padded to the header's width) of every non-blank row."""

    def columns(self, name: str) -> list[int]:
        """Indexes of every column called `name` (case-insensitive)."""
        wanted = name.lower()
        return [i for i, column in enumerate(self.header) if column.lower() == wanted]

    def cell(self, row: list[str], name: str) -> str:
        """The first `name` cell of a row, stripped; '' when the export has no such column."""
        found = self.columns(name)
        return row[found[0]].strip() if found else ""

    def require(self, names: tuple[str, ...], what: str) -> None:
        """ImportFailed naming the columns a `what` must have and this file lacks."""
        missing = [n for n in names if not self.columns(n)]
        if missing:
            raise ImportFailed(self.path, f"not a {what}: no {', '.join(repr(m) for m in missing)} column "
                                          f"(columns found: {', '.join(self.header[:8]) or 'none'})")


def read_csv(path: Path, what: str) -> CsvTable:
    """Every row of a UTF-8 CSV file; ImportFailed for a binary file, another encoding or a broken quote."""
    raw = read_bytes(path)
    if b"\x00" in raw:
        raise ImportFailed(path, f"binary file (NUL bytes), not a {what}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[:err.start].count(b"\n") + 1
        raise ImportFailed(path, f"not UTF-8 text (line {line}, byte {err.start}); export the CSV as UTF-8") from None
    limit = csv.field_size_limit()
    csv.field_size_limit(MAX_CSV_FIELD_CHARS)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        header = [name.strip() for name in next(reader, [])]
        rows = [(reader.line_num, row + [""] * (len(header) - len(row))) for row in reader if any(row)]
    except csv.Error as err:
        raise ImportFailed(path, f"not a readable CSV file (line {reader.line_num}: {err})") from None
    finally:
        csv.field_size_limit(limit)
    if not any(header):
        raise ImportFailed(path, f"empty file, not a {what}")
    return CsvTable(Path(path), header, rows)
