"""One line discipline between tools: records split on '\\n' only, the importer's output always passes
`data check`, and what cannot be a JSONL record is reported with its path:line."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from persona.cli import main as persona_main
from persona.data import json_line, parse_jsonl
from persona import cli
from tests.helpers import example_record

TRICKY = ["\u2028", "\u2029", "\u0085", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\r", "\r\n", "\t", "\x00",
          "\u200b", "\ufeff", "\u202e", "e\u0301", "👩‍👩‍👧", "🇩🇪", "\U0010ffff", "\\ud83d", "\\udc00", "\\u0000",
          "\"", "\\", "</think>", "<think>", "```", "&amp;", "<@U02BRAM>", ":tada:"]
"""Characters that tools disagree about; the '\\\\ud83d' items are JSON escapes of lone surrogates."""


def _random_text(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(1, 12)):
        roll = rng.random()
        if roll < 0.4:
            parts.append(rng.choice(TRICKY))
        elif roll < 0.7:
            parts.append(chr(rng.choice([rng.randint(0x20, 0x7e), rng.randint(0xa0, 0xd7ff),
                                         rng.randint(0xe000, 0xfffd), rng.randint(0x10000, 0x10ffff)])))
        else:
            parts.append(rng.choice(["hello", "the plan", "yes because", "ok", "I live in Leeds", " "]))
    return "x " + "".join(parts)


def _slack_export(folder: Path, rng: random.Random, n_messages: int) -> None:
    folder.mkdir()
    (folder / "users.json").write_text(json.dumps([{"id": "U01ADA", "name": "ada"}, {"id": "U02BRAM", "name": "bram"}]))
    (folder / "general").mkdir()
    rows = []
    for i in range(n_messages):
        text = json.dumps(_random_text(rng), ensure_ascii=rng.random() < 0.5)
        # Splice the lone-surrogate escapes in as JSON escapes, the way a broken exporter writes them.
        text = text.replace("\\\\ud83d", "\\ud83d").replace("\\\\udc00", "\\udc00").replace("\\\\u0000", "\\u0000")
        user = "U02BRAM" if i % 2 == 0 else "U01ADA"
        rows.append(f'{{"type": "message", "user": "{user}", "text": {text}, "ts": "{1_700_000_000 + 60 * i}.000100"}}')
    (folder / "general" / "2023-11-14.json").write_text("[" + ",\n".join(rows) + "]", encoding="utf-8")


@pytest.mark.parametrize("seed", range(6))
def test_importer_output_always_passes_data_check(seed, tmp_path, capsys):
    rng = random.Random(seed)
    _slack_export(tmp_path / "export", rng, 40)
    out = tmp_path / "pairs.jsonl"
    assert cli.main(["data", "import", "slack", str(tmp_path / "export"), "--me", "ada", "--out", str(out)]) == 0, \
        capsys.readouterr().err
    examples, problems = parse_jsonl(out)
    assert not problems, problems
    assert examples, "the random export gave no pairs at all"
    assert out.read_bytes().count(b"\n") == len(examples), "one record per '\\n'-terminated line"
    assert len(out.read_text(encoding="utf-8").splitlines()) == len(examples), "tools splitting at U+2028 agree"
    assert persona_main(["data", "check", str(out)]) == 0


def test_json_line_escapes_the_characters_other_tools_break_lines_at():
    line = json_line({"text": "a\u2028b\u2029c\u0085d"})
    assert line.count("\n") == 1 and line.endswith("\n")
    assert not any(ch in line for ch in "\u2028\u2029\u0085") and json.loads(line)["text"] == "a\u2028b\u2029c\u0085d"
    assert len(line.splitlines()) == 1, "str.splitlines must see one line too"


def _record_line(answer: str) -> str:
    return json.dumps(example_record(answer=answer), ensure_ascii=False)


@pytest.mark.parametrize("content,expected", [
    pytest.param(_record_line("a\u2028b") + "\n" + _record_line("c\u0085d") + "\n", [], id="raw_line_separators_are_text"),
    pytest.param(_record_line("ok") + "\n" + json.dumps(example_record(answer="x")).replace('"x"', '"\\ud800"') + "\n",
                 [":2: lone surrogate"], id="lone_surrogate"),
    pytest.param(_record_line("ok") + "\n" + _record_line("ok") + "\r\n", [], id="crlf"),
], )
def test_data_check_splits_on_newline_only(tmp_path, content, expected):
    path = tmp_path / "d.jsonl"
    path.write_bytes(content.encode("utf-8"))
    _, problems = parse_jsonl(path)
    assert len(problems) == len(expected) and all(f"{path}{e}" in p for e, p in zip(expected, problems)), problems


def test_invalid_utf8_is_reported_with_its_line(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_bytes(_record_line("ok").encode() + b"\n" + _record_line("caf\xe9").encode("latin-1") + b"\n"
                     + _record_line("fine").encode() + b"\n")
    examples, problems = parse_jsonl(path)
    assert len(examples) == 2 and len(problems) == 1 and problems[0].startswith(f"{path}:2: not UTF-8"), problems


def test_a_csv_is_said_to_be_no_jsonl_once(tmp_path, capsys):
    path = tmp_path / "data.csv"
    path.write_text("role,content\nuser,hi\nassistant,hello\n")
    assert persona_main(["data", "check", str(path)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0] == f"{path}: not JSONL (it looks like CSV): no line is a JSON object; expected one JSON object per line"
    assert err[1] == "1 problem(s) found"


def test_split_refuses_a_lone_surrogate_and_writes_nothing(tmp_path, capsys):
    source = Path(__file__).resolve().parent.parent / "data" / "toy" / "examples.jsonl"
    lines = source.read_text(encoding="utf-8").splitlines()
    lines[5] = lines[5].replace("\"content\": \"", "\"content\": \"\\udc00", 1)
    path = tmp_path / "pool.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert persona_main(["data", "split", str(path), "--out", str(tmp_path / "split")]) == 2
    assert "pool.jsonl:6: lone surrogate" in capsys.readouterr().err
    assert not (tmp_path / "split").exists()


def test_split_leaves_no_half_written_files_when_a_write_fails(tmp_path, monkeypatch, capsys):
    from persona import data

    writes = []
    real = data.json_line

    def failing(record):
        writes.append(1)
        if len(writes) > 55:
            raise OSError(28, "No space left on device")
        return real(record)

    monkeypatch.setattr(data, "json_line", failing)
    source = Path(__file__).resolve().parent.parent / "data" / "toy" / "examples.jsonl"
    out = tmp_path / "split"
    assert persona_main(["data", "split", str(source), "--out", str(out)]) == 2
    assert "No space left on device" in capsys.readouterr().err
    left = list(out.iterdir()) if out.exists() else []
    assert not left, f"left behind: {left}"
