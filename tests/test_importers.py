"""Importers: fixture exports -> valid records, pair counts by the rule, nothing planted survives, bad input fails cleanly."""

import json
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from persona.data import validate_record
from persona.importers import ImportFailed, import_export
from persona import cli
from persona.importers.categorize import propose
from persona.importers.messages import Message
from persona.importers.pairing import PairingRules, pair_messages
from persona.importers.pipeline import MAX_RECORD_CHARS, Pair, build_record

EXPORTS = Path(__file__).resolve().parent.parent / "fixtures" / "exports"
PLANTED = json.loads((EXPORTS / "planted.json").read_text(encoding="utf-8"))


@dataclass
class Fixture:
    name: str
    source: str
    path: Path
    me: str
    pairs: int
    dropped: dict = field(default_factory=dict)
    pairs_with_internal: int | None = None
    """Pairs with --include-internal, for exports that hold internal notes."""


FIXTURES = [
    Fixture("slack", "slack", EXPORTS / "slack", "ada", 6,
            {"system": 1, "bot": 1, "attachment_only": 1, "empty": 1, "no_context": 2}),
    Fixture("discord", "discord", EXPORTS / "discord_board_games.json", "adaquill", 2,
            {"system": 1, "bot": 1, "attachment_only": 1, "no_context": 1}),
    Fixture("email", "email", EXPORTS / "mailbox.mbox", "ada.quill@fernhollow.example", 3,
            {"bot": 1, "attachment_only": 1}),
    Fixture("github", "github", EXPORTS / "github_comments.json", "adaquill", 3, {"bot": 1, "empty": 1}),
    Fixture("notes", "notes", EXPORTS / "notes", "ada", 2, {"empty": 1}),
    Fixture("jira", "jira", EXPORTS / "jira_search.json", "Ada Quill", 4,
            {"internal": 3, "bot": 1, "attachment_only": 1, "no_context": 1}, pairs_with_internal=5),
    Fixture("jira_csv", "jira", EXPORTS / "jira_issues.csv", "712020:a1d4f6e2-3c5b-4e7a-9b8c-0d1e2f3a4b5c", 3,
            {"internal": 2, "attachment_only": 1}, pairs_with_internal=4),
    Fixture("zendesk", "zendesk", EXPORTS / "zendesk", "ada.quill@fernhollow.example", 3,
            {"internal": 1, "bot": 1, "attachment_only": 1, "system": 1, "no_context": 1}, pairs_with_internal=3),
    Fixture("zendesk_comments", "zendesk", EXPORTS / "zendesk_ticket_comments.json", "9001", 2, {"internal": 1},
            pairs_with_internal=2),
    Fixture("linear", "linear", EXPORTS / "linear_issues.csv", "ada.quill@fernhollow.example", 3,
            {"attachment_only": 1, "empty": 1}),
]
TICKETS = [f for f in FIXTURES if f.pairs_with_internal is not None]


@pytest.fixture(scope="module")
def imported():
    return {f.name: import_export(f.source, f.path, f.me) for f in FIXTURES}


def _raw_text(path: Path) -> str:
    files = [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else [path]
    return "\n".join(p.read_text(encoding="utf-8") for p in files)


@pytest.mark.parametrize("fx", FIXTURES, ids=lambda f: f.name)
def test_records_pass_the_data_validator(fx, imported):
    problems = [p for i, r in enumerate(imported[fx.name].records) for p in validate_record(r, f"{fx.name}:{i}")]
    assert not problems, "\n".join(problems)
    for record in imported[fx.name].records:
        assert record["metadata"]["source"] == fx.source
        assert record["metadata"]["category_status"] == "proposed"
        assert record["metadata"]["context"], "context must be inferred"


@pytest.mark.parametrize("fx", FIXTURES, ids=lambda f: f.name)
def test_pair_and_drop_counts_follow_the_rule(fx, imported):
    summary = imported[fx.name].summary
    assert summary.pairs_kept == fx.pairs == len(imported[fx.name].records)
    assert dict(summary.dropped) == fx.dropped


@pytest.mark.parametrize("fx", FIXTURES, ids=lambda f: f.name)
def test_every_planted_value_is_absent_from_the_output(fx, imported):
    _assert_nothing_planted_in(fx, imported[fx.name].records)


def _assert_nothing_planted_in(fx: Fixture, records: list[dict]) -> None:
    raw = _raw_text(fx.path)
    output = "\n".join(json.dumps(r, ensure_ascii=False) for r in records)
    for planted in PLANTED[fx.name]:
        value = planted["value"]
        assert value in raw or json.dumps(value)[1:-1] in raw, f"fixture lost its planted {planted['kind']}"
        assert value not in output, f"{fx.name}: planted {planted['kind']} {value!r} leaked"
        for line in value.splitlines()[1:-1]:  # private key bodies, line by line
            assert line not in output, f"{fx.name}: part of a planted {planted['kind']} leaked"


def test_slack_zip_with_a_wrapping_folder_gives_the_same_records(tmp_path, imported):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for p in (EXPORTS / "slack").rglob("*.json"):
            z.write(p, f"Fernhollow Slack export/{p.relative_to(EXPORTS / 'slack')}")
    assert import_export("slack", archive, "ada").records == imported["slack"].records


@pytest.mark.parametrize("me", ["U01ADA", "Ada Quill", "ada.quill@fernhollow.example", "@ada"])
def test_slack_identity_by_id_name_or_email(me, imported):
    assert import_export("slack", EXPORTS / "slack", me).records == imported["slack"].records


def test_slack_markup_is_cleaned(imported):
    text = "\n".join(json.dumps(r, ensure_ascii=False) for r in imported["slack"].records)
    assert "@Ada" in text and "🎉" in text and "PR #88" in text
    for markup in ("<@U", "<http", "<mailto", ":tada:", ":ramen:", "&amp;"):
        assert markup not in text, f"Slack markup {markup!r} left in the output"


def test_email_quotes_and_signatures_are_stripped(imported):
    answers = [r["messages"][-1]["content"] for r in imported["email"].records]
    assert not any("wrote:" in a or "Sent from my iPhone" in a or "Staff Engineer" in a for a in answers), answers


def test_decision_takes_reasoning_from_the_persons_words(imported):
    decision = next(r for r in imported["slack"].records if r["metadata"]["category"] == "decision")
    answer = decision["messages"][-1]
    assert "because" in answer["reasoning_content"]
    assert answer["content"].endswith("Let's move the queue to Postgres next sprint.")


@pytest.mark.parametrize("answer,category", [
    ("We should pick Postgres. I think it's simpler because we already run it.", "decision"),
    ("I think Postgres, because we already run it.", "style"),  # nothing left to conclude
    ("I live in Leeds and I work at a bakery.", "fact"),
    ("My sister is a nurse.", "fact"),
    ("lol same, see you there", "style"),
], ids=["cue+conclusion", "cue-only", "first-person", "my-x-is", "plain"])
def test_category_proposal(answer, category):
    proposal = propose(answer)
    assert proposal.category == category
    assert bool(proposal.reasoning) == (category == "decision")


def _msg(author, t, text="hi", kind="message", conversation="c", **kw):
    return Message(conversation, author, text, float(t), kind, **kw)


PAIRING_CASES = [
    ("merge_and_answer", [_msg("bo", 0), _msg("me", 60), _msg("me", 200)], 1, {}),
    ("no_one_before_me", [_msg("me", 0), _msg("bo", 60)], 0, {"no_context": 1}),
    ("outside_window", [_msg("bo", 0), _msg("me", 7 * 3600)], 0, {"no_context": 1}),
    ("bot_is_not_context", [_msg("bot", 0, kind="bot"), _msg("me", 60)], 0, {"bot": 1, "no_context": 1}),
    ("my_second_turn_needs_new_context", [_msg("bo", 0), _msg("me", 60), _msg("me", 1000)], 1, {"no_context": 1}),
    ("streams_do_not_mix", [_msg("bo", 0, conversation="a"), _msg("me", 60, conversation="b")], 0, {"no_context": 1}),
    ("explicit_reply", [_msg("bo", 0, message_id="1"), _msg("cy", 30), _msg("me", 60, reply_to="1")], 1, {}),
]


@pytest.mark.parametrize("case", PAIRING_CASES, ids=lambda c: c[0])
def test_pairing_rule(case):
    _, messages, pairs, dropped = case
    result = pair_messages(messages, {"me"}, PairingRules())
    assert len(result.pairs) == pairs and dict(result.dropped) == dropped


def test_explicit_reply_answers_the_replied_message():
    messages = [_msg("bo", 0, "question?", message_id="1"), _msg("cy", 30, "noise"), _msg("me", 60, reply_to="1")]
    assert pair_messages(messages, {"me"}, PairingRules()).pairs[0].user == "question?"


def test_long_records_are_truncated_under_the_limit():
    long = "This is a sentence about queues. " * 800
    record = build_record(Pair(long, long + " Because reasons. " * 200), "slack")
    assert len(json.dumps(record, ensure_ascii=False)) <= MAX_RECORD_CHARS
    assert not validate_record(record, "long")


# ---- command line: success, and bad input -> one line, exit 2, nothing written

def test_cli_writes_records_and_prints_the_summary(tmp_path, capsys):
    out = tmp_path / "out.jsonl"
    code = cli.main(["data", "import", "slack", str(EXPORTS / "slack"), "--me", "ada", "--out", str(out)])
    printed = capsys.readouterr().out
    assert code == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 6
    for needle in ("pairs kept: 6", "dropped:", "no_context 2", "redactions:", "private_key 1"):
        assert needle in printed, f"summary lacks {needle!r}:\n{printed}"


def _corrupt_zip(tmp_path: Path) -> Path:
    path = tmp_path / "broken.zip"
    path.write_bytes(b"PK\x03\x04 this is not really a zip")
    return path


def _bad_json_slack(tmp_path: Path) -> Path:
    folder = tmp_path / "slack"
    shutil.copytree(EXPORTS / "slack", folder)
    (folder / "general" / "2024-03-11.json").write_text("[{\"ts\": ", encoding="utf-8")
    return folder


BAD_INPUTS = [
    ("unreadable_archive", "slack", _corrupt_zip, "ada", "not a readable zip"),
    ("truncated_json", "slack", _bad_json_slack, "ada", "bad JSON at line 1"),
    ("missing_path", "github", lambda tmp: tmp / "nope.json", "adaquill", "no such file"),
    ("discord_file_as_slack", "slack", lambda tmp: EXPORTS / "discord_board_games.json", "ada", "not a"),
    ("json_as_email", "email", lambda tmp: EXPORTS / "github_comments.json", "ada", "not an mbox"),
    ("slack_folder_as_github", "github", lambda tmp: EXPORTS / "slack" / "users.json", "ada", "not GitHub"),
    ("github_as_discord", "discord", lambda tmp: EXPORTS / "github_comments.json", "ada", "not a DiscordChatExporter"),
    ("unknown_identity", "slack", lambda tmp: EXPORTS / "slack", "zed", "matches no author"),
    ("identity_without_messages", "discord", lambda tmp: EXPORTS / "discord_board_games.json", "GameNightBot",
     "has no usable messages"),
]


@pytest.mark.parametrize("case", BAD_INPUTS, ids=lambda c: c[0])
def test_bad_input_is_one_clear_line_exit_2_and_nothing_written(case, tmp_path, capsys):
    _, source, make_path, me, expected = case
    path, out = make_path(tmp_path), tmp_path / "out" / "pairs.jsonl"
    code = cli.main(["data", "import", source, str(path), "--me", me, "--out", str(out)])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert err.startswith(f"persona data import: {path}") and expected in err, err
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert not out.exists() and not (out.parent.exists() and any(out.parent.iterdir()))


def test_library_raises_import_failed_naming_the_path():
    with pytest.raises(ImportFailed, match="nope.mbox: no such file"):
        import_export("email", EXPORTS / "nope.mbox", "ada")
