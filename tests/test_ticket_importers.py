"""Ticket exports (Jira JSON and CSV, Zendesk, Linear): internal notes paired only on request, --me by account id,
email or display name, an unknown --me answered with the candidates and their counts, vendor markup turned into
text, overlapping pages read once, line-delimited exports streamed. The fixtures and their expected counts are
the ticket rows of FIXTURES in tests/test_importers.py."""

from __future__ import annotations

import json
import re
import shutil
from datetime import datetime, timezone

import pytest

from persona import cli
from persona.importers import ImportFailed, import_export
from persona.importers.sources._jira_markup import adf_to_text, wiki_to_text
from persona.importers.sources.jira import csv_time_s
from tests.test_importers import EXPORTS, TICKETS, _assert_nothing_planted_in

ADA_JIRA = "712020:a1d4f6e2-3c5b-4e7a-9b8c-0d1e2f3a4b5c"


def _text(records: list[dict], role: str | None = None) -> str:
    return "\n".join(m["content"] + m.get("reasoning_content", "") for r in records for m in r["messages"]
                     if role is None or m["role"] == role)


@pytest.mark.parametrize("fx", TICKETS, ids=lambda f: f.name)
def test_internal_notes_are_paired_only_on_request_and_scrubbed_then(fx):
    result = import_export(fx.source, fx.path, fx.me, include_internal=True)
    assert result.summary.pairs_kept == fx.pairs_with_internal == len(result.records)
    assert "internal" not in result.summary.dropped
    _assert_nothing_planted_in(fx, result.records)


@pytest.mark.parametrize("source,path,me,phrases", [
    ("jira", EXPORTS / "jira_search.json", "Ada Quill", ["payment proxy again", "Rotated.", "in the vault"]),
    ("jira", EXPORTS / "jira_issues.csv", "Ada Quill", ["I've sent it again", "reset email"]),
    ("zendesk", EXPORTS / "zendesk", "Ada Quill", ["Stripe shows refund", "temporary password"]),
    ("zendesk", EXPORTS / "zendesk_ticket_comments.json", "Ada Quill", ["legacy plan"]),
], ids=["jira_jsdPublic_and_visibility", "jira_csv_service_desk", "zendesk_private", "zendesk_comments_page"])
def test_internal_notes_never_reach_the_default_output(source, path, me, phrases):
    text = _text(import_export(source, path, me).records)
    for phrase in phrases:
        assert phrase not in text, f"internal note text {phrase!r} reached the output"


@pytest.mark.parametrize("source,path,mes", [
    ("jira", EXPORTS / "jira_search.json", [ADA_JIRA, "Ada Quill", "ada.quill@fernhollow.example", "ADA QUILL"]),
    ("jira", EXPORTS / "jira_issues.csv", [ADA_JIRA, "Ada Quill"]),
    ("zendesk", EXPORTS / "zendesk", ["9001", "Ada Quill", "ada.quill@fernhollow.example"]),
], ids=["jira_json", "jira_csv", "zendesk"])
def test_me_by_account_id_email_or_display_name(source, path, mes):
    first, *others = [import_export(source, path, me).records for me in mes]
    assert first and all(records == first for records in others)


def test_an_unknown_me_is_one_line_naming_the_candidates_with_counts(tmp_path, capsys):
    out = tmp_path / "pairs.jsonl"
    code = cli.main(["data", "import", "zendesk", str(EXPORTS / "zendesk"), "--me", "zed", "--out", str(out)])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and not out.exists(), err
    assert "--me 'zed' matches no author" in err, err
    assert re.search(r"Ada Quill \[9001\] 5\b", err) and re.search(r"Dana Whitlock \[9501\] 2\b", err), err


def test_me_with_only_internal_notes_is_told_about_the_flag():
    with pytest.raises(ImportFailed, match="no usable messages.*1 internal note left out.*--include-internal"):
        import_export("zendesk", EXPORTS / "zendesk_ticket_comments.json", "Bram Okafor")


def test_the_cli_flag_includes_internal_notes(tmp_path, capsys):
    out = tmp_path / "pairs.jsonl"
    argv = ["data", "import", "jira", str(EXPORTS / "jira_search.json"), "--me", "Ada Quill", "--out", str(out)]
    assert cli.main(argv + ["--include-internal"]) == 0, capsys.readouterr().err
    assert len(out.read_text(encoding="utf-8").splitlines()) == 5
    assert "pairs kept: 5" in capsys.readouterr().out


def test_jira_markup_becomes_text():
    records = [*import_export("jira", EXPORTS / "jira_search.json", "Ada Quill").records,
               *import_export("jira", EXPORTS / "jira_issues.csv", "Ada Quill").records]
    text = _text(records)
    for kept in ("@Bram Okafor", "@Ada Quill", "```\nconsumer.ack(msg)", "PR #412", "🎉",
                 "https://grafana.fernhollow.example/d/exports"):
        assert kept in text, f"{kept!r} missing from\n{text}"
    for markup in ("[~accountid", "{quote}", "{code", "h3.", "!login-flake", "|https://github.com", '"type"'):
        assert markup not in text, f"markup {markup!r} left in the output"
    assert "you wrote the consumer" not in _text(records, "assistant"), "a {quote} of the reporter stayed in my answer"
    assert "Query plan below" not in _text(records, "assistant"), "an ADF blockquote stayed in my answer"


def test_zendesk_mail_replies_lose_the_quoted_thread_and_the_signature():
    user = _text(import_export("zendesk", EXPORTS / "zendesk", "Ada Quill").records, "user")
    assert "Found it, thank you!" in user
    assert "wrote:" not in user and "Dana Whitlock" not in user and "I'm sorry for the wait" not in user, user


def test_linear_prompts_come_from_titles_and_are_not_counted_as_read():
    result = import_export("linear", EXPORTS / "linear_issues.csv", "ada.quill@fernhollow.example")
    assert result.summary.messages_read == 6, "the six descriptions; the prompts are written by the reader"
    prompts = [r["messages"][0]["content"] for r in result.records]
    assert prompts[0] == "Write up the issue: Rate-limit the public export endpoint", prompts


@pytest.mark.parametrize("doc,expected,media", [
    ({"type": "doc", "content": [{"type": "paragraph", "content": [
        {"type": "text", "text": "a"}, {"type": "hardBreak"}, {"type": "text", "text": "b"}]}]},
     "a\nb", False),
    ({"type": "doc", "content": [{"type": "bulletList", "content": [
        {"type": "listItem", "content": [{"type": "paragraph", "content": [{"type": "text", "text": "one"}]}]},
        {"type": "listItem", "content": [{"type": "paragraph", "content": [{"type": "text", "text": "two"}]}]}]}]},
     "- one\n- two", False),
    ({"type": "doc", "content": [{"type": "mediaGroup", "content": [{"type": "media", "attrs": {"id": "x"}}]}]},
     "", True),
    ({"type": "doc", "content": [{"type": "paragraph", "content": [{"type": "status", "attrs": {"text": "DONE"}},
                                                                    {"type": "someFutureNode", "content": [
                                                                        {"type": "text", "text": " later"}]}]}]},
     "DONE later", False),
], ids=["hard_break", "list", "media_only", "unknown_node_keeps_its_text"])
def test_adf_to_text(doc, expected, media):
    assert adf_to_text(doc, "here") == (expected, media)


@pytest.mark.parametrize("wiki,expected,media", [
    ("see [the docs|https://x.example/docs] and [https://y.example]", "see the docs and https://y.example", False),
    ("{quote}old words{quote}\nnew words", "new words", False),
    ("bq. quoted line\nmine", "mine", False),
    ("run {noformat}a [~x] *b*{noformat} now", "run\n```\na [~x] *b*\n```\n now", False),
    ("hi [~accountid:42] and [~nobody]", "hi @Ada and @someone", False),
    ("!shot.png|thumbnail! done. Great! Thanks!", "done. Great! Thanks!", True),
], ids=["links", "quote", "bq", "code_kept_verbatim", "mentions", "embed_vs_exclamations"])
def test_wiki_to_text(wiki, expected, media):
    assert wiki_to_text(wiki, {"42": "Ada"}) == (expected, media)


@pytest.mark.parametrize("value,expected", [
    ("25/Feb/26 4:38 PM", datetime(2026, 2, 25, 16, 38)), ("3/Mar/2024 12:05 AM", datetime(2024, 3, 3, 0, 5)),
    ("13/Mar/24 12:30 PM", datetime(2024, 3, 13, 12, 30)), ("13/Mar/24 17:45", datetime(2024, 3, 13, 17, 45)),
    ("2024-03-13T09:02:00.000+0000", datetime(2024, 3, 13, 9, 2)),
])
def test_jira_csv_times(value, expected):
    assert csv_time_s(value, "here") == expected.replace(tzinfo=timezone.utc).timestamp()


def test_overlapping_pages_give_each_issue_and_comment_once(tmp_path):
    for source, fixture, me in (("jira", "jira_search.json", "Ada Quill"), ("zendesk", "zendesk/tickets.json", "9001")):
        folder = tmp_path / source
        folder.mkdir()
        for page in ("page-1.json", "page-2.json"):
            shutil.copy(EXPORTS / fixture, folder / page)
        assert import_export(source, folder, me).records == import_export(source, EXPORTS / fixture, me).records


def test_line_delimited_zendesk_is_streamed_not_read_whole(monkeypatch):
    monkeypatch.setattr("persona.importers.files.MAX_FILE_BYTES", 1024)
    assert (EXPORTS / "zendesk" / "tickets.json").stat().st_size > 10 * 1024
    assert import_export("zendesk", EXPORTS / "zendesk", "Ada Quill").summary.pairs_kept == 3
    with pytest.raises(ImportFailed, match="larger than"):
        import_export("zendesk", EXPORTS / "zendesk_ticket_comments.json", "Ada Quill")  # one JSON document


def test_jira_json_and_csv_of_one_folder_are_read_together(tmp_path):
    for name in ("jira_search.json", "jira_issues.csv"):
        shutil.copy(EXPORTS / name, tmp_path / name)
    both = import_export("jira", tmp_path, "Ada Quill")
    assert both.summary.pairs_kept == 4 + 3
    assert json.dumps(both.records[0], ensure_ascii=False)


@pytest.mark.parametrize("comment,channel,expected", [
    ({"body": "Thanks!\n##- Please type your reply above this line -##\nYour request 1301 …"}, "email", "Thanks!"),
    ({"body": "Works now.\n\nOn Tue, 12 Mar 2024, Ada wrote:\n> old\n\n--\nDana"}, "email", "Works now."),
    ({"body": "> a quote typed on the web\nstays"}, "web", "> a quote typed on the web\nstays"),
    ({"html_body": "<div><p>Hi &amp; welcome<br>line two</p><p>next</p></div>"}, "web", "Hi & welcome\nline two\nnext"),
], ids=["reply_marker", "quoted_mail", "web_body_as_written", "html_when_no_body"])
def test_zendesk_comment_text(comment, channel, expected):
    from persona.importers.sources.zendesk import _message

    raw = {"author_id": 1, "created_at": "2024-03-12T08:00:00Z", "via": {"channel": channel}, **comment}
    assert _message(raw, "here", "1", "", "9").text == expected


def test_a_zendesk_line_over_the_limit_is_refused_without_reading_on(monkeypatch, tmp_path):
    monkeypatch.setattr("persona.importers.sources.zendesk.MAX_LINE_BYTES", 200)
    path = tmp_path / "tickets.json"
    path.write_text('{"id": 1, "comments": []}\n{"id": 2, "subject": "' + "x" * 500 + '", "comments": []}\n')
    with pytest.raises(ImportFailed, match="line 2: a line over"):
        import_export("zendesk", path, "ada")


def test_jira_server_v2_json_with_wiki_bodies_and_usernames(tmp_path):
    def user(name, display, email):
        return {"name": name, "key": f"JIRAUSER{len(name)}", "displayName": display, "emailAddress": email}
    ada, bo = user("aquill", "Ada Quill", "ada@corp.example"), user("bokafor", "Bram Okafor", "bo@corp.example")
    issue = {"key": "OPS-7", "fields": {
        "summary": "Disk alert on build01", "created": "2023-11-02T10:00:00.000+0100", "reporter": bo,
        "description": "h2. Alert\nbuild01 is at 95% again. [~aquill] can you look? !df.png|thumbnail!",
        "comment": {"comments": [
            {"id": "1", "author": ada, "created": "2023-11-02T10:30:00.000+0100",
             "body": "{quote}can you look?{quote}\nThe docker cache again. I'll prune it and add a weekly job."},
            {"id": "2", "author": ada, "created": "2023-11-02T10:31:00.000+0100", "body": "Pruning now.",
             "properties": [{"key": "sd.public.comment", "value": {"internal": True}}]}]}}}
    path = tmp_path / "issue.json"
    path.write_text(json.dumps(issue), encoding="utf-8")
    for me in ("aquill", "Ada Quill", "ada@corp.example"):
        result = import_export("jira", path, me)
        [record] = result.records
        assert record["messages"][0]["content"] == "Alert\nbuild01 is at 95% again. @Ada Quill can you look?"
        assert record["messages"][1]["content"] == "The docker cache again. I'll prune it and add a weekly job."
        assert dict(result.summary.dropped) == {"internal": 1}


def test_zendesk_incremental_ticket_events_with_comment_events(tmp_path):
    def event(n, author, body, public):
        child = {"id": 900 + n, "event_type": "Comment", "author_id": author, "body": body, "public": public,
                 "attachments": [], "via": {"channel": "web"}}
        status = {"id": 950 + n, "event_type": "Change", "field_name": "status", "value": "open"}
        return {"id": 800 + n, "ticket_id": 77, "timestamp": 1710000000 + n * 600, "updater_id": author,
                "created_at": f"2024-03-09T16:{n * 10:02d}:00Z", "event_type": "Audit", "child_events": [child, status]}
    page = {"ticket_events": [event(0, 5, "Where is my parcel?", True), event(1, 1, "Checking the depot.", False),
                              event(2, 1, "It leaves the depot tomorrow morning.", True)],
            "users": [{"id": 1, "name": "Ada Quill", "email": "ada@example.com", "role": "agent"}],
            "end_of_stream": True, "after_cursor": "MTcxMDAwMDAwMA=="}
    path = tmp_path / "events.json"
    path.write_text(json.dumps(page), encoding="utf-8")
    result = import_export("zendesk", path, "ada@example.com")
    assert [[m["content"] for m in r["messages"]] for r in result.records] == \
        [["Where is my parcel?", "It leaves the depot tomorrow morning."]]
    assert dict(result.summary.dropped) == {"internal": 1}
