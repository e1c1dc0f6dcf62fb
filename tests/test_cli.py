"""The `persona` command: clear errors, exit codes, no tracebacks."""
from __future__ import annotations

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
