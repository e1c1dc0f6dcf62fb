"""Read plain-text / markdown notes (a file or a folder of .md/.txt files).

Notes have no interlocutor, so each note gets a neutral prompt written by the reader
("Write a note about <title>") as the message it answers; the prompt author is never --me.
Every note is attributed to --me whatever it is, as notes carry no author.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..files import check_input, read_bytes, walk
from ..messages import Export, ImportFailed, Message, add_alias, tidy
from ..pairing import PairingRules
from ..source import Source

NOTE_SUFFIXES = (".md", ".markdown", ".txt")
PROMPT_AUTHOR = "notes-prompt"
"""Author id of the generated prompts."""
SECTION_CHARS = 6000
"""A note longer than this is split at its '## ' headings, one record per section."""

_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)
_H2 = re.compile(r"^##\s+(.+?)\s*$", re.M)


def _sections(title: str, body: str) -> list[tuple[str, str]]:
    if len(body) <= SECTION_CHARS or not _H2.search(body):
        return [(title, body)]
    starts = [m.start() for m in _H2.finditer(body)]
    chunks = [body[:starts[0]]] + [body[a:b] for a, b in zip(starts, starts[1:] + [len(body)])]
    sections = []
    for chunk in chunks:
        heading = _H2.match(chunk)
        text = chunk[heading.end():] if heading else chunk
        name = f"{title}: {heading.group(1)}" if heading else title
        if text.strip():
            sections.append((name, tidy(text)))
    return sections


def split_note(text: str, fallback_title: str) -> list[tuple[str, str]]:
    """(title, body) pairs of one note: the first heading (or short first line) is the title."""
    text = _FRONT_MATTER.sub("", text.replace("\r\n", "\n"))
    heading = _HEADING.search(text)
    first_line = text.strip().split("\n", 1)[0] if text.strip() else ""
    if heading and not text[:heading.start()].strip():
        title, body = heading.group(1), text[heading.end():]
    elif first_line and len(first_line) <= 80 and "\n" in text.strip():
        title, body = first_line.rstrip(":."), text.strip().split("\n", 1)[1]
    else:
        title, body = fallback_title, text
    return _sections(title.strip(), tidy(body))


def _note_text(file: Path) -> str:
    """The note's text; ImportFailed for a binary or non-UTF-8 file."""
    raw = read_bytes(file)
    if b"\x00" in raw:
        raise ImportFailed(file, "binary file (NUL bytes), not a text note")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[:err.start].count(b"\n") + 1
        raise ImportFailed(file, f"not UTF-8 text (line {line}, byte {err.start}); re-save it as UTF-8") from None


def read(path: Path, me: str = "me") -> Export:
    """One prompt + note pair per note (or per section of a long note).

    In a folder, a note that cannot be read (binary, Latin-1, a symlink leading outside) is
    reported in `Export.skipped` and left out; the import fails only when no note is readable.
    """
    path = Path(path)
    check_input(path)
    export = Export([])
    if path.is_dir():
        files = walk(path, NOTE_SUFFIXES, export.skipped)
        if not files:
            raise ImportFailed(path, f"no notes in this folder (expected {', '.join(NOTE_SUFFIXES)} files)")
    elif path.suffix.lower() in NOTE_SUFFIXES:
        files = [path]
    else:
        raise ImportFailed(path, f"not a notes file: expected one of {', '.join(NOTE_SUFFIXES)} or a folder")
    add_alias(export.aliases, me, me)
    for file in files:
        try:
            text = _note_text(file)
        except ImportFailed as err:
            if not path.is_dir():
                raise
            export.skipped.append(str(err))
            continue
        mtime = file.stat().st_mtime
        for n, (title, body) in enumerate(split_note(text, file.stem.replace("-", " ").replace("_", " "))):
            conversation = f"{file}#{n}"
            export.messages.append(Message(conversation, PROMPT_AUTHOR, f"Write a note about {title}",
                                           mtime, hint=title, generated=True))
            export.messages.append(Message(conversation, me, body, mtime,
                                           kind="message" if body else "empty", hint=title))
    if not export.messages:
        raise ImportFailed(path, f"no readable notes ({len(export.skipped)} skipped: {export.skipped[0]})")
    return export


# Notes are the person's own writing, each answering the prompt the reader wrote for it.
SOURCE = Source(name="notes", label="notes", read=read, rules=PairingRules(), context="personal",
                authorless=True)
