"""Plant the scrub battery into the ticket export formats (Jira JSON and CSV, Zendesk, Linear), import them,
and score what leaked, as tests/battery_exports.py does for the chat, mail and notes formats.

    secrets, clean = run_ticket_battery("test", import_export)
    print(format_table(secrets, clean))

Each battery line is "my" public reply to a customer's message on its own ticket (Linear: the description of
an issue whose title is the question), with the "Item N:" marker of battery_exports so a line that never
reached the output counts as lost, not as scrubbed. Bodies are written the way each vendor stores them: ADF
paragraphs with hard breaks, wiki text in a CSV cell, a plain `body`, a markdown description.
"""

from __future__ import annotations

import csv
import json
import re
import tempfile
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

from tests.battery_exports import GAP_S, GENERIC_QUESTION, START_S, KindScore, Line
from tests.scrub_battery import innocent, planted

FORMATS = ("jira", "jira_csv", "zendesk", "linear")
ME, CUSTOMER = "712020:me", "qm:customer"


def lines_of(items: list) -> list[Line]:
    """Battery items as lines; the marker rides on the question when the item has one (a bare reply stays bare)."""
    out = []
    for n, item in enumerate(items):
        marker = f"Item {n}:"
        if getattr(item, "question", ""):
            out.append(Line(marker, f"{marker} {item.question}", item.text))
        else:
            out.append(Line(marker, GENERIC_QUESTION, f"{marker}\n{item.text}"))
    return out


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def _csv_time(t: float) -> str:
    """Jira CSV's default time format, '13/Mar/24 9:02 AM'."""
    return datetime.fromtimestamp(t, timezone.utc).strftime("%d/%b/%y %I:%M %p")


def _adf(text: str) -> dict:
    parts = []
    for n, line in enumerate(text.split("\n")):
        parts += ([{"type": "hardBreak"}] if n else []) + ([{"type": "text", "text": line}] if line else [])
    return {"version": 1, "type": "doc", "content": [{"type": "paragraph", "content": parts}]}


def _jira(folder: Path, lines: list[Line]) -> tuple[Path, str]:
    issues = []
    for n, line in enumerate(lines):
        t = START_S + n * GAP_S
        comment = {"id": str(n), "author": {"accountId": ME, "displayName": "Ada Quill"}, "body": _adf(line.answer),
                   "created": _iso(t + 60), "jsdPublic": True}
        issues.append({"key": f"SUP-{n}", "fields": {
            "summary": f"Ticket {n}", "created": _iso(t), "description": _adf(line.question),
            "reporter": {"accountId": CUSTOMER, "displayName": "Dana", "accountType": "customer"},
            "comment": {"comments": [comment]}}})
    path = folder / "search.json"
    path.write_text(json.dumps({"startAt": 0, "total": len(issues), "issues": issues}), encoding="utf-8")
    return path, "Ada Quill"


def _jira_csv(folder: Path, lines: list[Line]) -> tuple[Path, str]:
    path = folder / "issues.csv"
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["Summary", "Issue key", "Project type", "Reporter", "Reporter Id", "Created", "Description",
                         "Comment"])
        for n, line in enumerate(lines):
            asked, answered = (_csv_time(START_S + n * GAP_S + d) for d in (0, 60))
            writer.writerow([f"Ticket {n}", f"ENG-{n}", "software", "Dana", CUSTOMER, asked, line.question,
                             f"{answered};{ME};{line.answer}"])
    return path, ME


def _zendesk(folder: Path, lines: list[Line]) -> tuple[Path, str]:
    path = folder / "tickets.json"
    with open(path, "w", encoding="utf-8") as stream:
        for n, line in enumerate(lines):
            t = START_S + n * GAP_S
            comments = [{"id": 2 * n, "author_id": 2, "body": line.question, "public": True, "created_at": _iso(t)},
                        {"id": 2 * n + 1, "author_id": 1, "body": line.answer, "public": True,
                         "created_at": _iso(t + 60)}]
            stream.write(json.dumps({"id": n, "subject": f"Ticket {n}", "comments": comments}) + "\n")
        stream.write(json.dumps({"id": 1, "name": "Ada Quill", "email": "ada@example.com", "role": "agent"}) + "\n")
    return path, "ada@example.com"


def _linear(folder: Path, lines: list[Line]) -> tuple[Path, str]:
    path = folder / "linear.csv"
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["ID", "Team", "Title", "Description", "Creator", "Created"])
        for n, line in enumerate(lines):
            writer.writerow([f"ENG-{n}", "Engineering", line.question, line.answer, "ada@example.com",
                             _iso(START_S + n * GAP_S)])
    return path, "ada@example.com"


WRITERS = {"jira": _jira, "jira_csv": _jira_csv, "zendesk": _zendesk, "linear": _linear}
SOURCES = {"jira": "jira", "jira_csv": "jira", "zendesk": "zendesk", "linear": "linear"}


def _texts(records: list[dict]) -> list[str]:
    return ["\n".join(m.get("content", "") + "\n" + m.get("reasoning_content", "") for m in r["messages"])
            for r in records]


def _score_format(fmt: str, items: list, import_fn, scores: dict, innocent_kind: bool) -> None:
    lines = lines_of(items)
    with tempfile.TemporaryDirectory() as tmp:
        path, me = WRITERS[fmt](Path(tmp), lines)
        texts = _texts(import_fn(SOURCES[fmt], path, me).records)
    by_marker = {}
    for text in texts:
        for marker in re.findall(r"Item \d+:", text):
            by_marker.setdefault(marker, text)
    for item, line in zip(items, lines):
        score = scores[item.kind]
        score.total += 1
        output = by_marker.get(line.marker)
        if output is None:
            score.lost += 1
        elif innocent_kind:
            if item.text not in output:
                score.full += 1
                score.examples.append(f"{fmt}: {item.text!r}")
        else:
            surrounding = item.text.replace(item.value, " ") + "\n" + line.question + "\n" + line.marker
            left = [p for p in item.pieces if p in output and p not in surrounding]
            if item.value in output or left:
                score.full += item.value in output
                score.partial += item.value not in output
                score.examples.append(f"{fmt} {'full' if item.value in output else f'partial {left}'}: {item.text!r}")


def run_ticket_battery(half: str, import_fn, formats=FORMATS) -> tuple[dict, dict]:
    """(planted scores, innocent scores) by kind for one half of the battery, over the ticket formats."""
    secrets: dict = defaultdict(KindScore)
    clean: dict = defaultdict(KindScore)
    for fmt in formats:
        _score_format(fmt, planted(half), import_fn, secrets, innocent_kind=False)
        _score_format(fmt, innocent(half), import_fn, clean, innocent_kind=True)
    return dict(secrets), dict(clean)
