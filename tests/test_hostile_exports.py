"""Broken and hostile exports: every case is one line on stderr, exit 2, nothing written, input untouched."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from persona import cli
from persona.importers.files import MAX_RATIO

EXPORTS = Path(__file__).resolve().parent.parent / "fixtures" / "exports"


@dataclass
class Hostile:
    name: str
    source: str
    make: Callable[[Path], Path]
    """Builds the export under tmp and returns PATH."""
    expected: str
    """A fragment of the one error line."""
    me: str = "ada"
    out: Callable[[Path, Path], Path] | None = None
    """--out from (tmp, PATH); default tmp/out/pairs.jsonl."""


def _slack_with(tmp: Path, relative: str, content) -> Path:
    folder = tmp / "slack"
    shutil.copytree(EXPORTS / "slack", folder)
    (folder / relative).write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return folder


def _slack_message(tmp: Path, **fields) -> Path:
    day = [{"type": "message", "user": "U02BRAM", "text": "hi", "ts": "1710498600.000100", **fields}]
    return _slack_with(tmp, "general/2024-03-11.json", day)


def _discord_with(tmp: Path, change: Callable[[dict], None]) -> Path:
    data = json.loads((EXPORTS / "discord_board_games.json").read_text(encoding="utf-8"))
    change(data)
    path = tmp / "discord.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _set_first(key, value):
    def change(data):
        data["messages"][0][key] = value
    return change


def _github_with(tmp: Path, **fields) -> Path:
    items = json.loads((EXPORTS / "github_comments.json").read_text(encoding="utf-8"))
    items[0].update(fields)
    path = tmp / "github.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    return path


def _jira_with(tmp: Path, change: Callable[[dict], None]) -> Path:
    data = json.loads((EXPORTS / "jira_search.json").read_text(encoding="utf-8"))
    change(data)
    path = tmp / "jira.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _jira_comment(**fields):
    def change(data):
        data["issues"][0]["fields"]["comment"]["comments"][0].update(fields)
    return change


def _deep_adf(depth: int) -> dict:
    node = {"type": "text", "text": "deep"}
    for _ in range(depth):
        node = {"type": "paragraph", "content": [node]}
    return {"type": "doc", "content": [node]}


def _csv_with(tmp: Path, name: str, change: Callable[[str], str], encoding: str = "utf-8") -> Path:
    path = tmp / name
    path.write_bytes(change((EXPORTS / name).read_text(encoding="utf-8")).encode(encoding))
    return path


def _zendesk_with(tmp: Path, change: Callable[[dict], None], line: int = 0) -> Path:
    lines = (EXPORTS / "zendesk" / "tickets.json").read_text(encoding="utf-8").splitlines()
    ticket = json.loads(lines[line])
    change(ticket)
    lines[line] = json.dumps(ticket)
    path = tmp / "tickets.json"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _zendesk_comment(**fields):
    def change(ticket):
        ticket["comments"][0].update(fields)
    return change


def _zendesk_truncated_line(tmp: Path) -> Path:
    lines = (EXPORTS / "zendesk" / "tickets.json").read_text(encoding="utf-8").splitlines()
    path = tmp / "tickets.json"
    path.write_text("\n".join([lines[0], lines[1][:300], lines[2]]) + "\n", encoding="utf-8")
    return path


def _write_bytes(tmp: Path, name: str, content: bytes) -> Path:
    path = tmp / name
    path.write_bytes(content)
    return path


def _write(name: str, content: str):
    def make(tmp: Path) -> Path:
        path = tmp / name
        path.write_text(content, encoding="utf-8")
        return path
    return make


def _deep_json(tmp: Path) -> Path:
    path = tmp / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    return path


def _corrupt_deflate(tmp: Path) -> Path:
    archive = tmp / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for p in (EXPORTS / "slack").rglob("*.json"):
            z.write(p, p.relative_to(EXPORTS / "slack").as_posix())
    data = bytearray(archive.read_bytes())
    start = data.index(b"users.json") + len(b"users.json")
    data[start + 5:start + 40] = b"\xff" * 35  # inside the first member's compressed stream
    archive.write_bytes(bytes(data))
    return archive


def _zip_bomb(tmp: Path) -> Path:
    archive = tmp / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("users.json", "[]")
        with z.open("general/2024-03-11.json", "w") as member:
            block = b" " * 2**20
            for _ in range(256):
                member.write(block)
    return archive


def _symlink_escape(tmp: Path) -> Path:
    outside = tmp / "outside"
    outside.mkdir()
    (outside / "2024-03-11.json").write_text(json.dumps(
        [{"type": "message", "user": "U01ADA", "text": "from outside", "ts": "1.0"}]))
    folder = tmp / "slack"
    folder.mkdir()
    (folder / "users.json").write_text(json.dumps([{"id": "U01ADA", "name": "ada"}]))
    (folder / "general").symlink_to(outside, target_is_directory=True)
    return folder


def _fifo(tmp: Path) -> Path:
    path = tmp / "fifo.json"
    os.mkfifo(path)
    return path


def _notes_all_binary(tmp: Path) -> Path:
    folder = tmp / "notes"
    folder.mkdir()
    (folder / "a.md").write_bytes(b"\x00\x01binary")
    (folder / "b.txt").write_bytes("caf\xe9 au lait".encode("latin-1"))
    return folder


def _copy_file(name: str):
    def make(tmp: Path) -> Path:
        target = tmp / name
        shutil.copy(EXPORTS / name, target)
        return target
    return make


def _copy_notes(tmp: Path) -> Path:
    shutil.copytree(EXPORTS / "notes", tmp / "notes")
    return tmp / "notes"


CASES = [
    Hostile("slack_channels_object", "slack", lambda t: _slack_with(t, "channels.json", {"C1": "general"}),
            "expected a list of channels"),
    Hostile("slack_users_object", "slack", lambda t: _slack_with(t, "users.json", {"U1": "ada"}), "expected a list of users"),
    Hostile("slack_ts_list", "slack", lambda t: _slack_message(t, ts=[1]), "'ts' must be a number"),
    Hostile("slack_ts_word", "slack", lambda t: _slack_message(t, ts="noon"), "'ts' must be a number"),
    Hostile("slack_text_number", "slack", lambda t: _slack_message(t, text=42), "'text' must be a string"),
    Hostile("slack_text_object", "slack", lambda t: _slack_message(t, text={"a": 1}), "'text' must be a string"),
    Hostile("slack_user_list", "slack", lambda t: _slack_message(t, user=["U1"]), "'user' must be a string or number"),
    Hostile("slack_profile_string", "slack",
            lambda t: _slack_with(t, "users.json", [{"id": "U01ADA", "name": "ada", "profile": "x"}]),
            "'profile' must be an object"),
    Hostile("slack_day_object", "slack", lambda t: _slack_with(t, "general/2024-03-11.json", {"ts": "1"}),
            "expected a list of messages"),
    Hostile("discord_timestamp_null", "discord", lambda t: _discord_with(t, _set_first("timestamp", None)),
            "'timestamp' must be an ISO 8601 string"),
    Hostile("discord_timestamp_int", "discord", lambda t: _discord_with(t, _set_first("timestamp", 1710000000)),
            "'timestamp' must be an ISO 8601 string"),
    Hostile("discord_content_number", "discord", lambda t: _discord_with(t, _set_first("content", 7)),
            "'content' must be a string"),
    Hostile("discord_reference_string", "discord", lambda t: _discord_with(t, _set_first("reference", "123")),
            "'reference' must be an object"),
    Hostile("discord_channel_string", "discord", lambda t: _discord_with(t, lambda d: d.update(channel="general")),
            "'channel' must be an object"),
    Hostile("discord_author_string", "discord", lambda t: _discord_with(t, _set_first("author", "ada")),
            "'author' must be an object"),
    Hostile("github_body_number", "github", lambda t: _github_with(t, body=5), "'body' must be a string", "adaquill"),
    Hostile("github_title_number", "github", lambda t: _github_with(t, title=5), "'title' must be a string",
            "adaquill"),
    Hostile("github_issue_url_number", "github", lambda t: _github_with(t, issue_url=5),
            "'issue_url' must be a string", "adaquill"),
    Hostile("deep_json_github", "github", _deep_json, "nested too deeply"),
    Hostile("deep_json_discord", "discord", _deep_json, "nested too deeply"),
    Hostile("corrupt_deflate", "slack", _corrupt_deflate, "not a readable zip"),
    Hostile("zip_bomb", "slack", _zip_bomb, "zip bomb"),
    Hostile("symlink_escape", "slack", _symlink_escape, "no per-day message files"),
    Hostile("fifo_as_path", "github", _fifo, "not a regular file"),
    Hostile("fifo_as_mbox", "email", _fifo, "not a regular file"),
    Hostile("device_as_path", "discord", lambda t: Path("/dev/zero"), "not a regular file"),
    Hostile("folder_as_mbox", "email", lambda t: _copy_notes(t), "is a directory"),
    Hostile("notes_all_unreadable", "notes", _notes_all_binary, "no readable notes"),
    Hostile("out_is_input_github", "github", _copy_file("github_comments.json"), "--out is the input", "adaquill",
            out=lambda tmp, path: path),
    Hostile("out_is_input_discord", "discord", _copy_file("discord_board_games.json"), "--out is the input",
            "adaquill", out=lambda tmp, path: path),
    Hostile("out_is_input_mbox", "email", _copy_file("mailbox.mbox"), "--out is the input",
            "ada.quill@fernhollow.example", out=lambda tmp, path: path),
    Hostile("out_inside_folder", "notes", _copy_notes, "inside the imported folder",
            out=lambda tmp, path: path / "pairs.jsonl"),
    Hostile("out_is_a_device", "notes", _copy_notes, "not a regular file", out=lambda tmp, path: Path("/dev/null")),
    Hostile("out_is_a_folder", "notes", _copy_notes, "not a regular file", out=lambda tmp, path: tmp),
    Hostile("bad_region", "notes", _copy_notes, "region 'XX'"),
    Hostile("jira_issues_object", "jira", lambda t: _jira_with(t, lambda d: d.update(issues={"SUP-42": {}})),
            "expected a list of issues"),
    Hostile("jira_issue_without_fields", "jira", lambda t: _jira_with(t, lambda d: d["issues"][0].pop("fields")),
            "no 'fields' object"),
    Hostile("jira_body_number", "jira", lambda t: _jira_with(t, _jira_comment(body=5)), "a body must be ADF"),
    Hostile("jira_adf_content_string", "jira",
            lambda t: _jira_with(t, _jira_comment(body={"type": "doc", "content": "x"})),
            "expected a list of ADF nodes"),
    Hostile("jira_adf_node_list", "jira",
            lambda t: _jira_with(t, _jira_comment(body={"type": "doc", "content": [[1]]})),
            "an ADF node must be an object"),
    Hostile("jira_adf_too_deep", "jira", lambda t: _jira_with(t, _jira_comment(body=_deep_adf(200))), "nested deeper"),
    Hostile("jira_author_string", "jira", lambda t: _jira_with(t, _jira_comment(author="ada")),
            "'author' must be an object"),
    Hostile("jira_created_word", "jira", lambda t: _jira_with(t, _jira_comment(created="yesterday")),
            "is not an ISO 8601 time"),
    Hostile("jira_created_list", "jira", lambda t: _jira_with(t, _jira_comment(created=[2024])),
            "'created' must be an ISO 8601 time"),
    Hostile("jira_properties_object", "jira", lambda t: _jira_with(t, _jira_comment(properties={"internal": True})),
            "expected a list of comment properties"),
    Hostile("jira_visibility_string", "jira", lambda t: _jira_with(t, _jira_comment(visibility="Developers")),
            "'visibility' must be an object"),
    Hostile("github_json_as_jira", "jira", lambda t: EXPORTS / "github_comments.json", "no 'fields' object"),
    Hostile("deep_json_jira", "jira", _deep_json, "nested too deeply"),
    Hostile("linear_csv_as_jira", "jira", lambda t: EXPORTS / "linear_issues.csv",
            "not a Jira CSV export: no 'Summary'"),
    Hostile("jira_csv_comment_without_author", "jira",
            lambda t: _csv_with(t, "jira_issues.csv", lambda s: s.replace("14/Mar/24 8:30 AM;", "14/Mar/24 8:30 AM ")),
            "a Comment cell is 'date;author id;text'"),
    Hostile("jira_csv_german_month", "jira",
            lambda t: _csv_with(t, "jira_issues.csv", lambda s: s.replace("13/Mar/24 10:05 AM", "13/Mär/24 10:05 AM")),
            "is neither Jira's '25/Feb/26 4:38 PM' nor ISO 8601"),
    Hostile("jira_csv_day_32", "jira",
            lambda t: _csv_with(t, "jira_issues.csv", lambda s: s.replace("13/Mar/24 10:05 AM", "32/Mar/24 10:05 AM")),
            "day is out of range"),
    Hostile("jira_csv_latin1", "jira",
            lambda t: _csv_with(t, "jira_issues.csv", lambda s: s.replace("Makes sense", "Ça va"), "latin-1"),
            "not UTF-8 text (line"),
    Hostile("jira_csv_unclosed_quote", "jira",
            _write("jira.csv", 'Summary,Issue key,Created\n"Broken,ENG-1,13/Mar/24 9:02 AM\n'),
            "not a readable CSV file"),
    Hostile("jira_csv_nul", "jira", _write("jira.csv", "Summary,Issue key,Created\nA\x00,ENG-1,13/Mar/24 9:02 AM\n"),
            "binary file"),
    Hostile("jira_csv_empty", "jira", _write("jira.csv", ""), "empty file"),
    Hostile("jira_empty_folder", "jira", lambda t: _copy_notes(t).parent / "notes", "no .json or .csv files"),
    Hostile("fifo_as_jira", "jira", _fifo, "not a regular file"),
    Hostile("zendesk_comments_object", "zendesk", lambda t: _zendesk_with(t, lambda x: x.update(comments={"a": 1})),
            "expected a list of comments"),
    Hostile("zendesk_comment_string", "zendesk", lambda t: _zendesk_with(t, lambda x: x.update(comments=["hi"])),
            "expected a comment object"),
    Hostile("zendesk_public_string", "zendesk", lambda t: _zendesk_with(t, _zendesk_comment(public="false")),
            "'public' must be true or false"),
    Hostile("zendesk_body_number", "zendesk", lambda t: _zendesk_with(t, _zendesk_comment(body=7)),
            "'body' must be a string"),
    Hostile("zendesk_author_list", "zendesk", lambda t: _zendesk_with(t, _zendesk_comment(author_id=[1])),
            "'author_id' must be a string or number"),
    Hostile("zendesk_created_garbage", "zendesk", lambda t: _zendesk_with(t, _zendesk_comment(created_at="soon")),
            "is not an ISO 8601 time"),
    Hostile("zendesk_via_string", "zendesk", lambda t: _zendesk_with(t, _zendesk_comment(via="email")),
            "'via' must be an object"),
    Hostile("zendesk_attachments_object", "zendesk", lambda t: _zendesk_with(t, _zendesk_comment(attachments={})),
            "expected a list of attachments"),
    Hostile("zendesk_truncated_line", "zendesk", _zendesk_truncated_line, "line 2: bad JSON"),
    Hostile("zendesk_line_a_number", "zendesk", _write("tickets.json", '{"id": 1, "comments": []}\n42\n'),
            "line 2: expected a Zendesk ticket or user object"),
    Hostile("zendesk_deep_line", "zendesk",
            _write("tickets.json", '{"id": 1, "comments": []}\n' + '{"a":' * 100_000 + "\n"),
            "line 2: JSON nested too deeply"),
    Hostile("zendesk_tickets_without_comments", "zendesk",
            _write("tickets.json", json.dumps({"tickets": [{"id": 1, "subject": "x"}], "end_of_stream": True})),
            "the incremental tickets API leaves comments out"),
    Hostile("zendesk_users_only", "zendesk", lambda t: EXPORTS / "zendesk" / "users.json", "no ticket comments found"),
    Hostile("slack_users_as_zendesk", "zendesk", lambda t: EXPORTS / "slack" / "users.json", "not a Zendesk export"),
    Hostile("deep_json_zendesk", "zendesk", _deep_json, "nested too deeply"),
    Hostile("zendesk_latin1_line", "zendesk",
            lambda t: _write_bytes(t, "tickets.json", b'{"id": 1, "comments": [], "subject": "caf\xe9"}\n'),
            "line 1: not UTF-8 text"),
    Hostile("fifo_as_zendesk", "zendesk", _fifo, "not a regular file"),
    Hostile("jira_csv_as_linear", "linear", lambda t: EXPORTS / "jira_issues.csv", "not a Linear CSV export: no 'ID'"),
    Hostile("linear_created_word", "linear",
            lambda t: _csv_with(t, "linear_issues.csv", lambda s: s.replace("2024-03-18T10:02:11.000Z", "last monday")),
            "is not an ISO 8601 time"),
    Hostile("linear_header_only", "linear",
            lambda t: _csv_with(t, "linear_issues.csv", lambda s: s.splitlines()[0] + "\n"), "no issues"),
    Hostile("linear_folder", "linear", _copy_notes, "is a directory"),
    Hostile("json_as_linear", "linear", lambda t: EXPORTS / "github_comments.json", "not a Linear CSV export"),
    Hostile("out_is_input_jira_csv", "jira", _copy_file("jira_issues.csv"), "--out is the input", "Ada Quill",
            out=lambda tmp, path: path),
    Hostile("out_is_input_zendesk", "zendesk", _copy_file("zendesk_ticket_comments.json"), "--out is the input", "9001",
            out=lambda tmp, path: path),
    Hostile("out_is_input_linear", "linear", _copy_file("linear_issues.csv"), "--out is the input",
            "ada.quill@fernhollow.example", out=lambda tmp, path: path),
    Hostile("unknown_identity_jira", "jira", lambda t: EXPORTS / "jira_search.json", "matches no author", "zed"),
    Hostile("unknown_identity_linear", "linear", lambda t: EXPORTS / "linear_issues.csv", "matches no author", "zed"),
]


def _fingerprint(path: Path) -> dict:
    if path.is_dir():
        return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() and not p.is_symlink() else "link"
                for p in sorted(path.rglob("*"))}
    if path.is_file():
        return {str(path): hashlib.sha256(path.read_bytes()).hexdigest()}
    return {str(path): os.stat(path).st_mode}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_hostile_export_is_one_line_exit_2_nothing_written_input_untouched(case, tmp_path, capsys):
    path = case.make(tmp_path)
    out = case.out(tmp_path, path) if case.out else tmp_path / "out" / "pairs.jsonl"
    before = _fingerprint(path)
    argv = ["data", "import", case.source, str(path), "--me", case.me, "--out", str(out)]
    if case.name == "bad_region":
        argv += ["--region", "XX"]
    code = cli.main(argv)
    err = capsys.readouterr().err.strip()
    assert code == 2, f"exit {code}, stderr {err!r}"
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert err.startswith("persona data import: ") and case.expected in err, err
    assert _fingerprint(path) == before, "the input was modified"
    if case.out is None:
        assert not out.exists() and not (out.parent.exists() and any(out.parent.iterdir())), "something was written"


_PEAK_RSS = """
import resource, sys
from persona import cli
if sys.argv[1] != "-":
    code = cli.main(["data", "import", "slack", sys.argv[1], "--me", "ada", "--out", sys.argv[2]])
    assert code == 2, code
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def _peak_rss_mib(*args: str) -> int:
    done = subprocess.run([sys.executable, "-c", _PEAK_RSS, *args], capture_output=True, text=True, timeout=300,
                          cwd=Path(__file__).resolve().parent.parent)
    assert done.returncode == 0, done.stderr
    return int(done.stdout.split()[-1])


def test_zip_bomb_is_refused_with_little_memory(tmp_path):
    archive = _zip_bomb(tmp_path)
    info = zipfile.ZipFile(archive).infolist()[-1]
    assert info.file_size > MAX_RATIO * info.compress_size, "the fixture must expand past the ratio cap"
    grown_mib = _peak_rss_mib(str(archive), str(tmp_path / "o.jsonl")) - _peak_rss_mib("-")
    assert grown_mib < 32, f"peak memory grew by {grown_mib} MiB reading a 256 MiB bomb"


def test_unreadable_notes_are_skipped_and_reported(tmp_path, capsys):
    folder = _copy_notes(tmp_path)
    (folder / "binary.md").write_bytes(b"\x00\x00\x89PNG")
    (folder / "latin1.txt").write_bytes("Notiz \xfcber K\xe4se\nzweite Zeile".encode("latin-1"))
    out = tmp_path / "pairs.jsonl"
    assert cli.main(["data", "import", "notes", str(folder), "--me", "ada", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "binary.md: binary file" in printed and "latin1.txt: not UTF-8 text (line 1" in printed, printed
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2, "the readable notes are still imported"
