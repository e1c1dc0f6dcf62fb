"""The prompt sets and the answer book: every generation of the session is made once, recorded and shared.

Prompt sets: `test` (the held-out examples), `train` (every training prompt), `generic` (the shipped generic
prompts, persona.shipped.PROMPTS), `probes` (paraphrased probes of the training facts, `--probe-data`).
`answer_book.get(prompts, model, thinking)` returns the answers of the fine-tuned or the base model, generating
what is missing in one batched pass; with `--persona-answers FILE` it reads them from the file instead and never loads a
model (a missing answer skips its criterion, saying so). At the end of the session the book is written as
`answers.jsonl` in the run folder (persona.answers has the format).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from persona import shipped
from persona.answers import Answer, Prompt, read_answers, write_answers
from persona.chat import prompt_messages
from persona.data import DataError, load_jsonl
from persona.harness.training import run_dir
from persona.infer import generate
from persona.models import load
from persona.measures.style import StyleProfile
from persona.vram import free_cuda

MAX_NEW_TOKENS = {"test": 384, "train": 224, "generic": 160, "probes": 96, "compression": 96}
"""New tokens per answer, by set. test: a decision's reasoning and its answer (1.7x the longest toy answer with
its reasoning, 230 smollm2 tokens); train, asked with thinking off: the longest trained answer (~190 tokens)
with room; generic: a short reasoned reply; probes and compression: one fact."""
BATCH_SIZE = {"cpu": 64, "cuda": 16}
"""Prompts decoded together in one generation pass at most (persona.infer.BATCH_TOKENS caps it for long prompts).
On a CPU a decode step reads every weight whatever the batch, so fewer, fuller passes are faster and give the same
greedy text: 40 generic prompts, 96 new tokens, smollm2-135m on 2 cores: 33.0 s in batches of 16, 20.3 s in one
batch of 40, the same 40 answers (docs/benchmarks.md). On CUDA 16: the graph decoder keeps the key/value cache of
its last few batch shapes, and at 64 rows one such cache of Qwen3-1.7B is 3.8 GB (512 tokens, bf16)."""


def batch_size_for(model) -> int:
    return BATCH_SIZE["cuda" if next(model.parameters()).device.type == "cuda" else "cpu"]


THINKING_TOKENS = 320
"""A generic prompt asked with thinking on: reasoning and a short reply."""


def thinking_for(example) -> bool:
    """Decision prompts are asked with thinking on, style and fact prompts with it off, as trained."""
    return example.category == "decision"


def example_prompts(examples, set_name: str, *, thinking=thinking_for) -> list[Prompt]:
    return [Prompt(set_name, f"{set_name}-{i:02d}", prompt_messages(e.messages), thinking(e),
                   reference=e.messages[-1]["content"], category=e.category,
                   facts=tuple(tuple(f) for f in e.metadata.get("facts", ())))
            for i, e in enumerate(examples, 1)]


def generic_prompts(path: Path = shipped.PROMPTS / "generic.jsonl") -> list[Prompt]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [Prompt("generic", r["id"], [{"role": "user", "content": r["prompt"]}], False) for r in rows]


def probe_prompts(path: Path) -> list[Prompt]:
    """Fact probes: {"id", "question", "facts": [[accepted forms], ...], "wrong": [...]} per line."""
    prompts = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            r = json.loads(line)
            prompts.append(Prompt("probes", str(r["id"]), [{"role": "user", "content": r["question"]}], False,
                                  facts=tuple(tuple(f) for f in r["facts"]), wrong=tuple(r.get("wrong", ()))))
        except (ValueError, KeyError, TypeError) as err:
            raise ValueError(f"{path}:{number}: not a fact probe ({err})") from None
    return prompts


class AnswerBook:
    """Answers by (set, id, model, thinking), generated on first use or read from an answers file."""

    def __init__(self, request, given: dict | None):
        self.request, self.given, self.answers = request, given, {}
        self.throughput: list[dict] = []
        """One row per generation pass: set, model, thinking, batch (the most prompts decoded together: fewer than
        BATCH_SIZE where long prompts met the token budget), prompts, new tokens, seconds."""

    def get(self, prompts: list[Prompt], model: str = "fine-tuned", thinking: bool | None = None) -> list[Answer]:
        if model == "base" and self.request.config.getoption("persona_baseline"):
            model = "fine-tuned"  # the evaluated model is the base model already
        modes = [p.thinking if thinking is None else thinking for p in prompts]
        keys = [(p.set, p.id, model, t) for p, t in zip(prompts, modes)]
        missing = [(p, t) for p, t, k in zip(prompts, modes, keys) if k not in self.answers]
        if missing and self.given is not None:
            self._take_given(missing, model)
        elif missing:
            self._generate(missing, model)
        return [self.answers[k] for k in keys]

    def has(self, set_name: str, prompt_id: str, model: str = "fine-tuned", thinking: bool = False) -> bool:
        """Whether the answers file holds this answer."""
        return (set_name, prompt_id, model, thinking) in (self.given or {})

    def _take_given(self, missing, model: str) -> None:
        absent = [p.id for p, t in missing if (p.set, p.id, model, t) not in self.given]
        if absent:
            pytest.skip(f"not evaluated: the answers file has no {model} answers for {len(absent)} "
                        f"{missing[0][0].set} prompts ({', '.join(absent[:3])}, ...)")
        for p, t in missing:
            self.answers[(p.set, p.id, model, t)] = self.given[(p.set, p.id, model, t)]

    def _generate(self, missing, model: str) -> None:
        trained = self.request.getfixturevalue("trained_model")
        loaded = trained if model == "fine-tuned" else load(trained.result.source, nf4_base=trained.result.base_4bit)
        try:
            for on in (False, True):  # one pass per mode, so a short mode is not padded to a long one's budget
                part = [p for p, t in missing if t is on]
                if not part:
                    continue
                budget = THINKING_TOKENS if on and part[0].set == "generic" else MAX_NEW_TOKENS.get(part[0].set, 256)
                stats: list = []
                made = generate(loaded.model, loaded.tokenizer, [p.messages for p in part], thinking=on,
                                max_new_tokens=budget, batch_size=batch_size_for(loaded.model),
                                label=f"{part[0].set} prompts, {model}", stats=stats)
                self.throughput.append({"set": part[0].set, "model": model, "thinking": on,
                                        "batch": max(s.rows for s in stats), "prompts": len(part),
                                        "new_tokens": sum(s.new_tokens for s in stats),
                                        "seconds": sum(s.seconds for s in stats)})
                for p, g in zip(part, made):
                    self.answers[(p.set, p.id, model, on)] = Answer(p.set, p.id, model, on, p.messages, g.text)
        finally:
            if loaded is not trained:
                del loaded  # the base model's last reference, so the cache below can be released
                free_cuda()


@pytest.fixture(scope="session")
def answer_book(request, pytestconfig):
    path = pytestconfig.getoption("persona_answers")
    given = read_answers(Path(path)) if path else None
    book = AnswerBook(request, given)
    yield book
    if book.answers:
        write_answers(run_dir(pytestconfig) / "answers.jsonl", list(book.answers.values()))


@pytest.fixture(scope="session")
def run_figures(pytestconfig) -> dict:
    """Figures of the run as a whole (inference speed) that decision.json and the report carry beside the criteria."""
    if not hasattr(pytestconfig, "persona_run_figures"):
        pytestconfig.persona_run_figures = {}
    return pytestconfig.persona_run_figures


@pytest.fixture(scope="session")
def test_examples(pytestconfig):
    try:
        return load_jsonl(Path(pytestconfig.getoption("persona_test_data")))
    except DataError as err:
        pytest.skip(f"not evaluated: the test data is invalid ({len(err.problems)} problems)")


@pytest.fixture(scope="session")
def test_prompts(test_examples) -> list[Prompt]:
    return example_prompts(test_examples, "test")


@pytest.fixture(scope="session")
def train_prompts(pytestconfig) -> list[Prompt]:
    try:
        examples = load_jsonl(Path(pytestconfig.getoption("persona_train_data")))
    except DataError as err:
        pytest.skip(f"not evaluated: the training data is invalid ({len(err.problems)} problems)")
    return example_prompts(examples, "train", thinking=lambda e: False)


@pytest.fixture(scope="session")
def probes(pytestconfig) -> list[Prompt]:
    path = pytestconfig.getoption("persona_probe_data")
    if not path:
        pytest.skip("not evaluated: no fact probes for this training data (--probe-data FILE: questions about the "
                    "person's training facts, each with its key facts)")
    return probe_prompts(Path(path))


@pytest.fixture(scope="session")
def style_profile(train_prompts) -> StyleProfile:
    """The person's style: character n-gram profiles of the training answers, built once for style and
    quality-kept."""
    return StyleProfile([p.reference for p in train_prompts])


@pytest.fixture(scope="session")
def test_answers(answer_book, test_prompts, transcript) -> list[Answer]:
    """The fine-tuned model's answers to the held-out prompts, each in its own thinking mode."""
    answers = answer_book.get(test_prompts)
    for prompt, answer in zip(test_prompts, answers):
        transcript.append((f"test set ({prompt.category}) {prompt.id}", prompt.asked,
                           (f"[thinking] {answer.reasoning}\n" if answer.reasoning else "") + answer.answer,
                           f"reference: {prompt.reference}"))
    return answers


@pytest.fixture(scope="session")
def generic() -> list[Prompt]:
    return generic_prompts()
