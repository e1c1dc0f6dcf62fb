"""Read a Jira export: the REST API's JSON (search pages or single issues) or the CSV export; a file, or a
folder of pages.

JSON, from /rest/api/3/search (or /search/jql, /issue/{key}; v2 and Server alike): {"issues": [{"key",
"fields": {"summary", "description", "reporter", "created", "attachment", "comment": {"comments": [{"id",
"author": {"accountId" (Server: "name"), "displayName", "emailAddress", "accountType"}, "body", "created",
"jsdPublic", "visibility", "properties"}]}}}]}. Bodies are ADF (v3) or wiki markup (v2, Server).
CSV (Filters > Export > Export CSV (all fields)): one row per issue; repeated 'Comment' columns hold
'date;author id;body' ('25/Feb/26 4:38 PM;5b10ac8d…;Thanks!'); 'Reporter'/'Reporter Id', 'Assignee'/
'Assignee Id', 'Creator'/'Creator Id' and 'Watchers'/'Watchers Id' name the ids; bodies are wiki markup.

An issue is one conversation: its description by the reporter, then its comments. Internal comments
(`jsdPublic: false`, the `sd.public.comment` property marking them internal, or a `visibility` restriction to
a role or group) are internal notes. The CSV cannot tell internal comments from public replies, so in a
Service Management project ('Project type' service_desk) every CSV comment counts as internal.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

from ..fields import ident, items, json_type, obj, string
from ..files import check_input, read_bytes, walk
from ..messages import Export, ImportFailed, Message, add_alias, read_json
from ..pairing import PairingRules
from ..source import Source
from ._jira_markup import adf_to_text, wiki_to_text
from ._tickets import CsvTable, kind_of, listed, read_csv, timestamp_s

_CSV_TIME = re.compile(r"^(\d{1,2})/([A-Za-z]{3})/(\d{2}|\d{4}) (\d{1,2}):(\d{2})(?: ?([AaPp][Mm]))?$")
_MONTHS = {m: n for n, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                       "nov", "dec"), start=1)}
_PEOPLE_COLUMNS = (("Reporter", "Reporter Id"), ("Assignee", "Assignee Id"), ("Creator", "Creator Id"),
                   ("Watchers", "Watchers Id"), ("Project lead", "Project lead id"))
_CSV_WHAT = "Jira CSV export"


def _body(value, where: str, names: dict[str, str]) -> tuple[str, bool]:
    """(text, has attachments) of a description or comment body: ADF, wiki markup, or null."""
    if value is None:
        return "", False
    if isinstance(value, dict):
        return adf_to_text(value, where)
    if isinstance(value, str):
        return wiki_to_text(value, names)
    raise ImportFailed(where, f"a body must be ADF (an object) or wiki markup (a string), "
                              f"got a JSON {json_type(value)}")


def _person(user: dict, where: str, export: Export) -> tuple[str, bool]:
    """(author id, is a bot) of a JSON user; their names and email become aliases --me may use."""
    author = ident(user, "accountId", where) or ident(user, "name", where) or ident(user, "key", where) or "unknown"
    name = string(user, "displayName", where)
    add_alias(export.aliases, author, name, string(user, "emailAddress", where), ident(user, "name", where),
              ident(user, "key", where))
    export.names.setdefault(author, name or author)
    return author, string(user, "accountType", where) == "app"


def _internal(comment: dict, where: str) -> bool:
    """Whether only the team sees the comment: JSM's internal flag or property, or a visibility restriction."""
    restricted = bool(obj(comment, "visibility", where))
    flagged = False
    for n, prop in enumerate(listed(comment, "properties", where, "comment properties")):
        at = f"{where}: property {n}"
        if isinstance(prop, dict) and string(prop, "key", at) == "sd.public.comment":
            flagged = flagged or obj(prop, "value", at).get("internal") in (True, "true")
    return comment.get("jsdPublic") is False or restricted or flagged


def _json_issue(issue, where: str, export: Export, seen: set[str]) -> None:
    if not isinstance(issue, dict):
        raise ImportFailed(where, f"expected an issue object, got a JSON {json_type(issue)}")
    key = string(issue, "key", where) or ident(issue, "id", where) or where
    fields = obj(issue, "fields", where)
    if not fields:
        raise ImportFailed(where, "not a Jira issue: no 'fields' object")
    if key in seen:
        return  # the same issue on two overlapping pages
    seen.add(key)
    where, summary = f"{where} ({key})", string(fields, "summary", where)
    reporter = obj(fields, "reporter", where) or obj(fields, "creator", where)
    author, bot = _person(reporter, where, export) if reporter else ("unknown", False)
    text, media = _body(fields.get("description"), f"{where}: description", export.names)
    attachments = media or bool(listed(fields, "attachment", where, "attachments"))
    export.messages.append(Message(f"jira:{key}", author, text, timestamp_s(fields.get("created"), where, "created"),
                                   kind_of(text, bot=bot, attachments=attachments), summary, f"{key}/description"))
    comments = listed(obj(fields, "comment", where), "comments", where, "comments")
    for n, comment in enumerate(comments):
        at = f"{where}: comment {n}"
        if not isinstance(comment, dict):
            raise ImportFailed(at, f"expected a comment object, got a JSON {json_type(comment)}")
        author, bot = _person(obj(comment, "author", at), at, export)
        text, media = _body(comment.get("body"), at, export.names)
        export.messages.append(Message(
            f"jira:{key}", author, text, timestamp_s(comment.get("created"), at, "created"),
            kind_of(text, bot=bot, internal=_internal(comment, at), attachments=media), summary,
            f"{key}/{ident(comment, 'id', at) or n}"))


def _json_people(issue, where: str, export: Export) -> None:
    """Register the people an issue names (reporter, creator, assignee, comment authors)."""
    fields = obj(issue, "fields", where) if isinstance(issue, dict) else {}
    people = [obj(fields, key, where) for key in ("reporter", "creator", "assignee")]
    people += [obj(c, "author", where) for c in listed(obj(fields, "comment", where), "comments", where, "comments")
               if isinstance(c, dict)]
    for person in people:
        if person:
            _person(person, where, export)


def _read_json(path: Path, export: Export, seen: set[str]) -> None:
    data = read_json(path, read_bytes(path))
    if isinstance(data, dict) and "issues" in data:
        issues = items(data["issues"], str(path), "issues")
    elif isinstance(data, dict) and "fields" in data:
        issues = [data]
    elif isinstance(data, list):
        issues = data
    else:
        raise ImportFailed(path, "not a Jira export: expected the REST API's {\"issues\": [...]} search result, "
                                 "an issue with 'fields', or a list of issues")
    for n, issue in enumerate(issues):  # first the people, so a mention before their first comment has a name
        _json_people(issue, f"{path}: issue {n}", export)
    for n, issue in enumerate(issues):
        _json_issue(issue, f"{path}: issue {n}", export, seen)


def csv_time_s(value: str, where: str) -> float:
    """Unix seconds of a Jira CSV time ('25/Feb/26 4:38 PM', the export's default) or of an ISO 8601 time; the
    export gives no time zone, so times are read as UTC (only their order within an issue matters)."""
    match = _CSV_TIME.match(value.strip())
    if not match:
        try:
            return timestamp_s(value, where, "date")
        except ImportFailed:
            raise ImportFailed(where, f"date {value[:40]!r} is neither Jira's '25/Feb/26 4:38 PM' nor ISO 8601; "
                                      "export the CSV with English dates") from None
    day, month, year, hour, minute, half = match.groups()
    if month.lower() not in _MONTHS:
        raise ImportFailed(where, f"date {value!r}: month {month!r} is not an English month; export in English")
    hour = int(hour) % 12 + (12 if half and half.lower() == "pm" else 0) if half else int(hour)
    year = int(year) + (2000 if len(year) == 2 else 0)
    try:
        moment = datetime(year, _MONTHS[month.lower()], int(day), hour, int(minute), tzinfo=timezone.utc)
    except ValueError as err:
        raise ImportFailed(where, f"date {value!r}: {err}") from None
    return moment.timestamp()


def _csv_people(table: CsvTable, row: list[str], export: Export) -> dict[str, str]:
    """Display name -> id of the people one row names; their names become aliases of their ids."""
    by_name = {}
    for name_column, id_column in _PEOPLE_COLUMNS:
        names = [row[i].strip() for i in table.columns(name_column)]
        ids = [row[i].strip() for i in table.columns(id_column)] or names
        for name, person in zip(names, ids):
            if person:
                add_alias(export.aliases, person, name)
                export.names.setdefault(person, name or person)
                by_name[name] = person
    return by_name


def _csv_issue(table: CsvTable, line: int, row: list[str], export: Export) -> None:
    where = f"{table.path}: line {line}"
    key = table.cell(row, "Issue key") or table.cell(row, "Issue id") or f"line {line}"
    summary, by_name = table.cell(row, "Summary"), _csv_people(table, row, export)
    reporter = table.cell(row, "Reporter Id") or by_name.get(table.cell(row, "Reporter"), table.cell(row, "Reporter"))
    text, media = wiki_to_text(table.cell(row, "Description"), export.names)
    export.messages.append(Message(f"jira:{key}", reporter or "unknown", text,
                                   csv_time_s(table.cell(row, "Created"), f"{where}: Created"),
                                   kind_of(text, attachments=media), summary, f"{key}/description"))
    service_desk = table.cell(row, "Project type").lower() == "service_desk"
    cells = [row[i] for i in table.columns("Comment") if row[i].strip()]
    for n, cell in enumerate(cells):
        at = f"{where}: comment {n}"
        parts = cell.split(";", 2)
        if len(parts) < 3:
            raise ImportFailed(at, f"a Comment cell is 'date;author id;text', got {cell[:40]!r}")
        text, media = wiki_to_text(parts[2], export.names)
        author = parts[1].strip() or "unknown"
        add_alias(export.aliases, author)
        export.messages.append(Message(f"jira:{key}", author, text, csv_time_s(parts[0], at),
                                       kind_of(text, internal=service_desk, attachments=media), summary,
                                       f"{key}/{n}"))


def _read_csv(path: Path, export: Export) -> None:
    table = read_csv(path, _CSV_WHAT)
    table.require(("Summary", "Issue key", "Created"), _CSV_WHAT)
    for _, row in table.rows:  # first the people, so a mention before their own row has a name
        _csv_people(table, row, export)
    for line, row in table.rows:
        _csv_issue(table, line, row, export)


def read(path: Path) -> Export:
    """Every issue's description and comments, from a JSON or CSV file or every such file of a folder."""
    path = Path(path)
    check_input(path)
    export, seen = Export([]), set()
    files = walk(path, (".json", ".csv"), export.skipped) if path.is_dir() else [path]
    if not files:
        raise ImportFailed(path, "no .json or .csv files in this folder (expected a Jira export)")
    for file in files:
        if file.suffix.lower() == ".csv":
            _read_csv(file, export)
        else:
            _read_json(file, export, seen)
    if not export.messages:
        raise ImportFailed(path, "not a Jira export with issues: no issue found")
    return export


# Issues are answered in hours or weeks; a reply answers the last words of the reporter or a colleague.
SOURCE = Source(name="jira", label="Jira", read=read, context="work_technical",
                rules=PairingRules(merge_gap_s=600.0, reply_window_s=30 * 86400.0, max_context_turns=2))
