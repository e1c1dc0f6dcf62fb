"""Read Linear's CSV export (Settings > Administration > Import / Export > Export CSV, or a view's export).

Columns (Linear adds some over time; these are read by name): ID, Team, Title, Description, Status, Estimate,
Priority, Project ID, Project, Creator, Assignee, Labels, Cycle Number, Cycle Name, Cycle Start, Cycle End,
Created, Updated, Started, Triaged, Completed, Canceled, Archived, Due Date, Parent issue, ... Creator and
Assignee hold a name or an email; Created is ISO 8601 (older exports: JavaScript's 'Tue May 14 2024 08:53:33
GMT+0000 (…)'); the description is markdown, images in it are attachments.

The export carries no comments, so an issue holds one message of its creator: the description. Each becomes a
pair whose prompt the reader writes from the issue's title ("Write up the issue: …"), like a note's; the prompt
is never --me and is not counted as read.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from ..files import check_input
from ..messages import Export, ImportFailed, Message, add_alias, tidy
from ..pairing import PairingRules
from ..source import Source
from ._tickets import drop_markdown_images, kind_of, read_csv, timestamp_s

PROMPT_AUTHOR = "linear-prompt"
"""Author id of the prompts the reader writes."""
COLUMNS = ("ID", "Title", "Description", "Creator", "Created")
"""Columns every Linear CSV export has and this reader needs."""
_WHAT = "Linear CSV export"
_JS_DATE = re.compile(r"^\w{3} (\w{3} \d{1,2} \d{4} \d{2}:\d{2}:\d{2}) GMT([+-]\d{4})")
_FORMULA_GUARD = re.compile(r"^'(?=[=+\-@])")


def created_s(value: str, where: str) -> float:
    """Unix seconds of an ISO 8601 time or of JavaScript's Date.toString() form."""
    js = _JS_DATE.match(value.strip())
    if js:
        return datetime.strptime(f"{js.group(1)} {js.group(2)}", "%b %d %Y %H:%M:%S %z").timestamp()
    return timestamp_s(value, where, "Created")


def clean_text(markdown: str) -> tuple[str, bool]:
    """(the description as written, whether it embedded images): the quote Linear puts before a leading '='
    goes, and so do image embeds."""
    text, images = drop_markdown_images(_FORMULA_GUARD.sub("", markdown))
    return tidy(text), images


def read(path: Path) -> Export:
    """One prompt (from the title) and the creator's description per issue of the CSV file."""
    path = Path(path)
    check_input(path, folder_ok=False)
    table = read_csv(path, _WHAT)
    table.require(COLUMNS, _WHAT)
    export = Export([])
    for line, row in table.rows:
        where = f"{path}: line {line}"
        key, title = table.cell(row, "ID") or f"line {line}", _FORMULA_GUARD.sub("", table.cell(row, "Title"))
        creator = table.cell(row, "Creator") or "unknown"
        add_alias(export.aliases, creator)
        export.names.setdefault(creator, creator)
        created = created_s(table.cell(row, "Created"), f"{where}: Created")
        text, images = clean_text(table.cell(row, "Description"))
        conversation = f"linear:{key}"
        export.messages.append(Message(conversation, PROMPT_AUTHOR, f"Write up the issue: {title}", created,
                                       hint=title, generated=True))
        export.messages.append(Message(conversation, creator, text, created, hint=title, message_id=key,
                                       kind=kind_of(text, attachments=images)))
    if not table.rows:
        raise ImportFailed(path, f"no issues in this {_WHAT} (only its header)")
    return export


# The description answers the prompt written from its own title, in the same instant.
SOURCE = Source(name="linear", label="Linear", read=read, context="work_technical",
                rules=PairingRules(max_context_turns=1))
