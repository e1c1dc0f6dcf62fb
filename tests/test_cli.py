"""The `persona` command: clear errors, exit codes, no tracebacks."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.helpers import FIXTURES, ROOT


def persona(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "persona.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def test_data_check_lists_every_problem_without_traceback():
    done = persona("data", "check", str(FIXTURES / "data/broken.jsonl"))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.count("broken.jsonl:") == 13 and "13 problem(s) found" in done.stderr


def test_data_check_ok():
    done = persona("data", "check", "data/toy/train.jsonl", "data/toy/test.jsonl")
    assert done.returncode == 0 and "60 examples (style 15, fact 15, decision 30)" in done.stdout


def test_data_split_writes_the_committed_split(tmp_path):
    done = persona("data", "split", "data/toy/examples.jsonl", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "train.jsonl").read_text() == (ROOT / "data/toy/train.jsonl").read_text()
    assert (tmp_path / "test.jsonl").read_text() == (ROOT / "data/toy/test.jsonl").read_text()


def test_train_refuses_bad_data_and_bad_settings(tmp_path):
    done = persona("train", "--model", "tiny", "--data", str(FIXTURES / "data/broken.jsonl"))
    assert done.returncode == 2 and "training refused" in done.stderr and "Traceback" not in done.stderr
    done = persona("train", "--model", "tiny", "--set", "max_steps=zero")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip() == "persona train: --set max_steps expects an integer, got 'zero'", done.stderr


@pytest.mark.parametrize("content,message", [("not xml", "not a readable junit"), (None, "not a readable junit")])
def test_decide_bad_input(tmp_path, content, message):
    path = tmp_path / "j.xml"
    if content is not None:
        path.write_text(content)
    done = persona("decide", str(path))
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr


@pytest.mark.slow
def test_evaluate_prints_writes_and_exits_with_one_decision(tmp_path):
    # An override the tiny model cannot meet after 20 steps: the printed decision, decision.json and the exit
    # code must be the same decision, made with the override, which all three name.
    junit = tmp_path / "j.xml"
    done = persona("evaluate", "--model", "tiny", "--threshold", "memorization=0.99", "--set", "max_steps=20",
                   "--junit", str(junit), "--report", str(tmp_path / "r.md"), "--", "-k", "test_data or memoriz or training_completes",
                   "--output-dir", str(tmp_path / "models"), cwd=tmp_path)
    printed = [line.removeprefix("DECISION: ") for line in done.stdout.splitlines() if line.startswith("DECISION: ")]
    record = json.loads((tmp_path / "models/toy-tiny/decision.json").read_text())
    assert printed == [record["verdict"]] and done.returncode == record["exit_code"], done.stdout[-3000:]
    assert record["overrides"] == ["memorization=0.99"] and record["criteria"]["memorization"]["version"] == "2+override"
    assert "override: memorization=0.99" in done.stdout and "Traceback" not in done.stdout + done.stderr
    assert record["model"] == record["plan_model"] == "tiny" and not record["stand_in"]
    assert "memorization" in record["failing"], "0.99 after 20 steps should fail; the override was not applied"
    decided = persona("decide", str(junit))
    assert decided.returncode == done.returncode and decided.stdout.splitlines()[0] == f"DECISION: {printed[0]}"
