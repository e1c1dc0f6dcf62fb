"""Answers as data: every generation of an evaluation run is one record, and every quality measure reads records.

A run writes `answers.jsonl` in its run folder, one JSON object per line:

    {"set": "test", "id": "test.jsonl:3", "model": "fine-tuned", "thinking": false,
     "messages": [{"role": "user", "content": "..."}], "text": "<raw generated text>"}

`set` is the prompt set (test, train, generic, probes, compression), `id` the prompt's id in it, `model`
"fine-tuned" or "base", `thinking` the mode it was asked in, `messages` the prompt, `text` everything the model
generated (a think block included). `pytest evals --persona-answers FILE` scores such a file instead of generating, so
answers from any runtime (a GGUF in llama.cpp, a served model) are judged by the same criteria.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from persona.chat import parse_output

MODELS = ("fine-tuned", "base")


@dataclass(frozen=True)
class Prompt:
    """One prompt of a set, with what the measures compare its answers to."""
    set: str
    id: str
    messages: list
    """The conversation up to the answer (the last message is the user's)."""
    thinking: bool
    """The mode it is asked in."""
    reference: str = ""
    """The person's own answer, when the set has one."""
    category: str = ""
    facts: tuple = ()
    """Key facts a correct answer carries: one tuple of accepted forms per fact."""
    wrong: tuple = ()
    """Values of the same kind that contradict the facts (a distractor in the answer counts against it)."""

    @property
    def asked(self) -> str:
        return self.messages[-1]["content"] if self.messages else ""


@dataclass
class Answer:
    set: str
    id: str
    model: str
    thinking: bool
    messages: list
    text: str
    reasoning: str = field(init=False)
    answer: str = field(init=False)

    def __post_init__(self):
        parsed = parse_output(self.text)
        self.reasoning, self.answer = parsed.reasoning, parsed.answer

    @property
    def key(self) -> tuple:
        return self.set, self.id, self.model, self.thinking

    def record(self) -> dict:
        return {k: v for k, v in asdict(self).items() if k not in ("reasoning", "answer")}


def write_answers(path: Path, answers: list[Answer]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".jsonl.tmp")
    tmp.write_text("".join(json.dumps(a.record(), ensure_ascii=False) + "\n" for a in answers), encoding="utf-8")
    tmp.replace(path)


def read_answers(path: Path) -> dict[tuple, Answer]:
    """Answers by (set, id, model, thinking); ValueError listing every bad line as path:line: problem."""
    try:
        lines = Path(path).read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError) as err:
        raise ValueError(f"{path}: not readable ({err})") from None
    found, problems = {}, []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            answer = _answer(json.loads(line))
        except (ValueError, TypeError, KeyError) as err:
            problems.append(f"{path}:{number}: {err}")
            continue
        if answer.key in found:
            problems.append(f"{path}:{number}: a second answer for {answer.key}")
        found[answer.key] = answer
    if problems:
        raise ValueError("\n".join(problems))
    if not found:
        raise ValueError(f"{path}: no answers in it")
    return found


def _answer(record) -> Answer:
    if not isinstance(record, dict):
        raise ValueError("expected a JSON object")
    missing = [k for k in ("set", "id", "model", "thinking", "text") if k not in record]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    if record["model"] not in MODELS:
        raise ValueError(f"model {record['model']!r} is not one of {', '.join(MODELS)}")
    if not isinstance(record["text"], str) or not isinstance(record["thinking"], bool):
        raise ValueError("text must be a string and thinking true or false")
    return Answer(str(record["set"]), str(record["id"]), record["model"], record["thinking"],
                  record.get("messages") or [], record["text"])
