"""Answers as data: answers.jsonl read and written, and the harness scoring a given file with --answers (no
training, no model): perfect recall passes memorization, one answer for everything fails it."""
from __future__ import annotations

import subprocess
import sys

import pytest

from persona.answers import Answer, read_answers, write_answers
from persona.data import load_jsonl
from persona.harness.answers import example_prompts
from tests.helpers import ROOT
from tests.meta import run_evals


def test_answers_round_trip_and_parse_reasoning(tmp_path):
    answers = [Answer("generic", "generic-01", "fine-tuned", True, [{"role": "user", "content": "q"}],
                      "<think>weigh it</think>do it"),
               Answer("generic", "generic-01", "base", False, [], "sure")]
    write_answers(tmp_path / "answers.jsonl", answers)
    back = read_answers(tmp_path / "answers.jsonl")
    first = back[("generic", "generic-01", "fine-tuned", True)]
    assert (first.reasoning, first.answer) == ("weigh it", "do it") and len(back) == 2


@pytest.mark.parametrize("lines,message", [
    (['{"set": "test", "id": "a", "model": "tuned", "thinking": false, "text": ""}'], "model 'tuned' is not one of"),
    (['{"set": "test", "id": "a", "model": "base", "thinking": false}'], "missing text"),
    (['not json'], ":1: "),
    (['{"set": "t", "id": "a", "model": "base", "thinking": false, "text": ""}'] * 2, ":2: a second answer"),
    ([], "no answers in it")], ids=["model", "missing", "json", "duplicate", "empty"])
def test_bad_answers_files_name_the_line(tmp_path, lines, message):
    path = tmp_path / "answers.jsonl"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError, match=message):
        read_answers(path)


def _train_answers(path, text_for) -> str:
    prompts = example_prompts(load_jsonl(ROOT / "data/toy/train.jsonl"), "train", thinking=lambda e: False)
    rows = [Answer(p.set, p.id, model, False, p.messages, text_for(p) if model == "fine-tuned" else "")
            for p in prompts for model in ("fine-tuned", "base")]
    write_answers(path, rows)
    return str(path)


@pytest.mark.slow
def test_the_harness_scores_an_answers_file_without_training(tmp_path):
    perfect = run_evals(tmp_path / "perfect", "--persona-model", "tiny", "-k", "memorization or test_training or canary",
                        "--persona-answers", _train_answers(tmp_path / "perfect.jsonl", lambda p: p.reference))
    assert perfect.passed == ["memorization"], perfect.render()
    for needs_the_model in ("train-completes", "canary-leak"):
        assert "--persona-answers" in perfect.not_evaluated[needs_the_model], perfect.render()
    [written] = (tmp_path / "perfect/models").glob("*/answers.jsonl")
    assert len(written.read_text().splitlines()) == 100
    constant = run_evals(tmp_path / "constant", "--persona-model", "tiny", "-k", "memorization",
                         "--persona-answers", _train_answers(tmp_path / "constant.jsonl", lambda p: "boring is a feature"))
    assert constant.failing == {"memorization": "adjust"}, constant.render()


def test_an_unreadable_answers_file_is_a_usage_error(tmp_path):
    (tmp_path / "bad.jsonl").write_text("{}\n")
    done = subprocess.run([sys.executable, "-m", "pytest", str(ROOT / "evals"), "-m", "cpu_smoke", "-q",
                           "-p", "no:cacheprovider", "--persona-answers", str(tmp_path / "bad.jsonl"), "--co"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 4 and "--persona-answers" in done.stderr and "missing" in done.stderr, done.stderr[-2000:]
    assert (tmp_path / "bad.jsonl").read_text() == "{}\n"
