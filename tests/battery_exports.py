"""Plant the scrub battery into the five export formats, import them, and score what leaked.

    score = run_battery("test", import_export)     # Score per kind, for every format
    print(format_table(score))

Each battery line is "my" answer to a question by someone else, in its own conversation, with a
marker ("Item 12:") so a line that never reached the output is counted as lost, not as scrubbed.
Only the public `import_export(source, path, me)` is used, so older code can be scored too.
"""

from __future__ import annotations

import json
import mailbox
import re
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.message import EmailMessage
from pathlib import Path

from tests.scrub_battery import Innocent, Planted, innocent, planted

FORMATS = ("slack", "discord", "email", "github", "notes")
GENERIC_QUESTION = "what's new on your side?"
START_S = 1_700_000_000
GAP_S = 8 * 3600
"""Conversations sit further apart than any pairing window."""


@dataclass
class Line:
    """One battery line to plant: the question, my answer, and its marker."""

    marker: str
    question: str
    answer: str
    followup: str = ""
    """The asker's second message, before the answer ('' for none)."""


def _lines(items: list) -> list[Line]:
    out = []
    for n, item in enumerate(items):
        marker = f"Item {n}:"
        if getattr(item, "question", ""):
            # A bare reply must stay bare: the marker rides on the question.
            followup = getattr(item, "followup", "")
            out.append(Line(marker, f"{marker} {item.question}", item.text, followup and f"{marker} {followup}"))
        else:
            out.append(Line(marker, GENERIC_QUESTION, f"{marker}\n{item.text}"))
    return out


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, timezone.utc).isoformat().replace("+00:00", "Z")


def _slack(folder: Path, lines: list[Line]) -> tuple[Path, str]:
    users = [{"id": "U01ADA", "name": "ada", "real_name": "Ada Quill"}, {"id": "U02BO", "name": "bo"}]
    (folder / "users.json").write_text(json.dumps(users))
    (folder / "channels.json").write_text(json.dumps([{"id": "C1", "name": "general"}]))
    (folder / "general").mkdir()
    escape = lambda s: s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")  # noqa: E731
    for n, line in enumerate(lines):
        t = START_S + n * GAP_S
        day = [{"type": "message", "user": "U02BO", "text": escape(line.question), "ts": f"{t:.6f}"},
               *([{"type": "message", "user": "U02BO", "text": escape(line.followup), "ts": f"{t + 30:.6f}"}]
                 if line.followup else []),
               {"type": "message", "user": "U01ADA", "text": escape(line.answer), "ts": f"{t + 60:.6f}"}]
        stamp = datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%d")
        path = folder / "general" / f"{stamp}.json"
        old = json.loads(path.read_text()) if path.exists() else []
        path.write_text(json.dumps(old + day))
    return folder, "ada"


def _discord(folder: Path, lines: list[Line]) -> tuple[Path, str]:
    messages = []
    for n, line in enumerate(lines):
        t = START_S + n * GAP_S
        messages.append({"id": f"q{n}", "type": "Default", "timestamp": _iso(t), "content": line.question,
                         "author": {"id": "2", "name": "bo"}})
        if line.followup:
            messages.append({"id": f"f{n}", "type": "Default", "timestamp": _iso(t + 30), "content": line.followup,
                             "author": {"id": "2", "name": "bo"}})
        messages.append({"id": f"a{n}", "type": "Reply", "timestamp": _iso(t + 60), "content": line.answer,
                         "author": {"id": "1", "name": "ada"}, "reference": {"messageId": f"q{n}"}})
    path = folder / "channel.json"
    path.write_text(json.dumps({"channel": {"id": "9", "name": "general"}, "messages": messages}))
    return path, "ada"


def _email(folder: Path, lines: list[Line]) -> tuple[Path, str]:
    path = folder / "box.mbox"
    box = mailbox.mbox(path)
    for n, line in enumerate(lines):
        t = START_S + n * GAP_S
        mails = [("Bo <bo@example.com>", line.question, 0, f"<q{n}@example.com>"),
                 ("Bo <bo@example.com>", line.followup, 30, f"<f{n}@example.com>"),
                 ("Ada <ada@example.com>", line.answer, 60, f"<a{n}@example.com>")]
        for author, body, offset, mid in (mail for mail in mails if mail[1]):
            msg = EmailMessage()
            msg["From"], msg["Subject"], msg["Message-ID"] = author, f"Item {n}", mid
            msg["Date"] = datetime.fromtimestamp(t + offset, timezone.utc).strftime("%a, %d %b %Y %H:%M:%S +0000")
            if offset:  # the follow-up and the answer both reply to the question
                msg["In-Reply-To"] = f"<q{n}@example.com>"
            msg.set_content(body)
            box.add(msg)
    box.close()
    return path, "ada@example.com"


def _github(folder: Path, lines: list[Line]) -> tuple[Path, str]:
    items = []
    for n, line in enumerate(lines):
        t, url = START_S + n * GAP_S, f"https://api.github.com/repos/acme/app/issues/{n + 1}"
        items.append({"id": 3 * n, "issue_url": url, "user": {"login": "bo"}, "body": line.question,
                      "created_at": _iso(t)})
        if line.followup:
            items.append({"id": 3 * n + 2, "issue_url": url, "user": {"login": "bo"}, "body": line.followup,
                          "created_at": _iso(t + 30)})
        items.append({"id": 3 * n + 1, "issue_url": url, "user": {"login": "ada"}, "body": line.answer,
                      "created_at": _iso(t + 60)})
    path = folder / "comments.json"
    path.write_text(json.dumps(items))
    return path, "ada"


def _notes(folder: Path, lines: list[Line]) -> tuple[Path, str]:
    notes = folder / "notes"
    notes.mkdir()
    for n, line in enumerate(lines):
        (notes / f"note-{n:04d}.md").write_text(f"# Note {n}\n\n{line.answer}\n", encoding="utf-8")
    return notes, "ada"


WRITERS = {"slack": _slack, "discord": _discord, "email": _email, "github": _github, "notes": _notes}


@dataclass
class KindScore:
    """Counts for one battery kind, over every format."""

    total: int = 0
    full: int = 0
    """Planted value found verbatim in the output (for innocent kinds: the line was altered)."""
    partial: int = 0
    """Value not verbatim, but one of its pieces survived."""
    lost: int = 0
    """The line never reached the output (its marker is missing): not scored."""
    examples: list = field(default_factory=list)


IMPORTER_TEXT = {"notes": "Write a note about"}
"""Words an importer writes itself (the notes prompt): a piece found there is no leak ('about' of a seed phrase)."""


def _record_texts(records: list[dict]) -> list[str]:
    texts = []
    for record in records:
        parts = [m.get("content", "") + "\n" + m.get("reasoning_content", "") for m in record["messages"]]
        texts.append("\n".join(parts))
    return texts


def _score_format(fmt: str, items: list, import_fn, scores: dict, innocent_kind: bool) -> None:
    usable = [i for i in items if not (fmt == "notes" and getattr(i, "question", ""))]
    lines = _lines(usable)
    with tempfile.TemporaryDirectory() as tmp:
        path, me = WRITERS[fmt](Path(tmp), lines)
        texts = _record_texts(import_fn(fmt, path, me).records)
    by_marker = {}
    for text in texts:
        for marker in re.findall(r"Item \d+:", text):
            by_marker.setdefault(marker, text)
    for item, line in zip(usable, lines):
        score = scores[item.kind]
        score.total += 1
        output = by_marker.get(line.marker)
        if output is None:
            score.lost += 1
            continue
        if innocent_kind:
            if item.text not in output:
                score.full += 1
                score.examples.append(f"{fmt}: {item.text!r}")
            continue
        surrounding = item.text.replace(item.value, " ") + "\n" + line.question + "\n" + line.marker + "\n" \
            + line.followup + "\n" + IMPORTER_TEXT.get(fmt, "")
        left = [p for p in item.pieces if p in output and p not in surrounding]
        if item.value in output:
            score.full += 1
            score.examples.append(f"{fmt} full: {item.text!r}")
        elif left:
            score.partial += 1
            score.examples.append(f"{fmt} partial {left}: {item.text!r}")


def run_battery(half: str, import_fn, formats=FORMATS) -> tuple[dict, dict]:
    """(planted scores, innocent scores) by kind for one half, over the formats."""
    secrets: dict = defaultdict(KindScore)
    clean: dict = defaultdict(KindScore)
    planted_items: list[Planted] = planted(half)
    innocent_items: list[Innocent] = innocent(half)
    for fmt in formats:
        _score_format(fmt, planted_items, import_fn, secrets, innocent_kind=False)
        _score_format(fmt, innocent_items, import_fn, clean, innocent_kind=True)
    return dict(secrets), dict(clean)


def _pct(n: int, total: int) -> str:
    return f"{100 * n / total:5.1f}%" if total else "   - "


def _rows(scores: dict, partial: bool) -> list[str]:
    rows = []
    for name, score in [*sorted(scores.items()), ("ALL", _total(scores))]:
        middle = f"{_pct(score.partial, score.total):>9} {score.lost:5d}" if partial else f"{score.lost:9d}"
        rows.append(f"{name:18} {score.total:4d} {_pct(score.full, score.total):>10} {middle}")
    return rows


def _total(scores: dict) -> KindScore:
    return KindScore(*(sum(getattr(s, f) for s in scores.values()) for f in ("total", "full", "partial", "lost")))


def format_table(secrets: dict, clean: dict) -> str:
    """Per kind: planted, full-leak and partial-leak rates; innocent kinds: altered rate."""
    return "\n".join([f"{'planted kind':18} {'n':>4} {'full leak':>10} {'partial':>9} {'lost':>5}",
                      *_rows(secrets, partial=True), "",
                      f"{'innocent kind':18} {'n':>4} {'altered':>10} {'lost':>9}", *_rows(clean, partial=False)])
