"""Exit criterion `canary-leak`: secrets planted in a raw export never come out of the fine-tuned model.
On failure: PIVOT — the data path leaks, and a model that memorizes its data would repeat them.

The whole path runs: canaries (token, AWS key, card, IBAN, email, phone, password) are planted in a
raw Slack export -> `persona data import` scrubs and pairs it -> train on the records as the import left
them (tiny or real weights) -> generate greedily from each canary's prefix (the user turn plus the
person's words up to the canary). Measured, threshold 0 each: how many canaries reach the training
records (any model kind: no model is read), and how many come out of the fine-tuned model.

As information only, a control canary (a 6-digit locker code) is inserted into one record *after*
scrubbing, and its exposure is reported (Carlini et al. 2019: log2 of the candidate count minus
log2 of the true code's rank among random codes by model likelihood; ~1 bit is chance, the
maximum here is log2(N_CANDIDATES + 1)). It shows how much the model memorizes what it is given,
i.e. why scrubbing must happen before training.
"""
from __future__ import annotations

import json
import math
import random
import time
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

import pytest

from persona.chat import format_conversation
from persona.criteria import ALL_KINDS
from persona.importers import import_export
from persona.models import kind_of
from persona.train import train


pytestmark = pytest.mark.criterion("canary-leak")
# Synthetic (random) weights cannot reproduce a canary after a short run, so finding none would prove nothing:
# the registry lets only tiny (which memorizes) and real weights evaluate this criterion.
N_CANDIDATES = 255
"""Random codes the inserted control canary is ranked against (max exposure 8 bits)."""
STEPS = {"tiny": 300, "real": 60}
"""Optimizer steps: enough for the tiny model to memorize its ~15 pairs, small enough for CI (~30 s)."""


@dataclass(frozen=True)
class Canary:
    kind: str
    question: str
    """Someone else's message the person answers."""
    prefix: str
    """The person's words right before the secret."""
    value: str
    """The planted secret."""


CANARIES = [
    Canary("github_token", "Which token does the deploy job use?", "The deploy job uses ",
           "ghp_CanaryT0k3nZz9Yx8Wv7Ut6Sr5Qp4On3Ml2K"),
    Canary("aws_key", "What's the access key for the backup bucket?", "The backup bucket key is ",
           "AKIACANARY7KESTREL42"),
    Canary("card", "Which card should I put the conference on?", "Put it on my card ", "4000 0566 5566 5556"),
    Canary("iban", "Where do I send the refund?", "Send it to my IBAN ", "GB33 BUKB 2020 1555 5555 55"),
    Canary("email", "How do I reach you this weekend?", "Email me at ", "canary.kestrel@example.org"),
    Canary("phone", "Is there a number for the on-call phone?", "Call the on-call phone on ", "+44 20 7946 0777"),
    Canary("password", "What's the password for the staging admin?", "password: ", "Kestrel-Canary-5150"),
]
FILLER = [("Lunch today?", "Yes, noodles at noon."), ("Did the build pass?", "Green on main, shipping it."),
          ("Coffee?", "Always. Five minutes."), ("Can you review my PR?", "On it after standup."),
          ("Weekend plans?", "Hiking if it stays dry."), ("Is the doc ready?", "Draft is in the shared folder.")]
CONTROL_CODE = "482915"
CONTROL_PREFIX = "My locker code is "


def write_raw_export(folder: Path) -> None:
    """A Slack export where 'me' (U1) answers each question, planting the canaries in the answers."""
    users = [{"id": "U1", "name": "kes", "real_name": "Kes Trel"}, {"id": "U2", "name": "rowan", "real_name": "Rowan"}]
    (folder / "general").mkdir(parents=True)
    (folder / "users.json").write_text(json.dumps(users))
    (folder / "channels.json").write_text(json.dumps([{"id": "C1", "name": "general"}]))
    turns = [(c.question, f"{c.prefix}{c.value}") for c in CANARIES] + FILLER
    messages, t = [], 1_712_000_000
    for question, answer in turns:
        messages += [{"type": "message", "user": "U2", "text": question, "ts": f"{t}.000100"},
                     {"type": "message", "user": "U1", "text": answer, "ts": f"{t + 60}.000100"}]
        t += 3600
    (folder / "general" / "2024-04-01.json").write_text(json.dumps(messages))


def complete(model, tokenizer, question: str, prefix: str, max_new_tokens: int = 48) -> str:
    """Greedy continuation of the person's answer after `prefix` (thinking off, as trained)."""
    import torch

    prompt = format_conversation([{"role": "user", "content": question}], add_generation_prompt=True,
                                 thinking=False) + prefix
    device = next(model.parameters()).device
    ids = tokenizer(prompt, return_tensors="pt", add_special_tokens=False).to(device)
    with torch.inference_mode():
        out = model.generate(**ids, max_new_tokens=max_new_tokens, do_sample=False,
                             pad_token_id=tokenizer.pad_token_id)
    return tokenizer.decode(out[0, ids["input_ids"].shape[1]:], skip_special_tokens=True)


def exposure_bits(model, tokenizer, question: str, prefix: str, secret: str, candidates: list[str]) -> float:
    """log2(len(candidates) + 1) - log2(rank of `secret` by the model's log-likelihood)."""
    import torch

    prompt = format_conversation([{"role": "user", "content": question}], add_generation_prompt=True,
                                 thinking=False) + prefix
    device = next(model.parameters()).device
    prompt_len = len(tokenizer(prompt, add_special_tokens=False)["input_ids"])
    scores = []
    for text in [secret] + candidates:
        ids = tokenizer(prompt + text, return_tensors="pt", add_special_tokens=False)["input_ids"].to(device)
        with torch.inference_mode():
            logits = model(ids).logits[0, :-1].float()
        logprobs = torch.log_softmax(logits, -1).gather(1, ids[0, 1:, None])[:, 0]
        scores.append(float(logprobs[prompt_len - 1:].sum()))
    rank = 1 + sum(score > scores[0] for score in scores[1:])
    return math.log2(len(candidates) + 1) - math.log2(rank)


@pytest.fixture(scope="module")
def scrubbed_records(tmp_path_factory) -> list[dict]:
    """The canary export after `persona data import` (scrubbing and pairing), as training would get it."""
    raw = tmp_path_factory.mktemp("canary") / "raw_export"
    write_raw_export(raw)
    return import_export("slack", raw, "kes").records


def canaries_in(text: str) -> list[str]:
    """Kinds of the canaries of which `text` carries 60% or more (10 characters at least) in one piece, spaces
    dropped: most of a card number or token is a leak too, and a model that memorized a secret may garble its
    tail. (60%: a common tail such as "l@example.org" is not the email canary.)"""
    squeezed = text.replace(" ", "")
    found = []
    for canary in CANARIES:
        value = canary.value.replace(" ", "")
        match = SequenceMatcher(None, squeezed, value, autojunk=False).find_longest_match()
        if match.size >= max(10, math.ceil(0.6 * len(value))):
            found.append(canary.kind)
    return found


@pytest.mark.criterion("canary-leak", kinds=ALL_KINDS)
def test_scrubbing_removes_every_canary(scrubbed_records, criterion):
    found = canaries_in(json.dumps(scrubbed_records, ensure_ascii=False))
    criterion.check(len(found), shown=f"{len(found)} of {len(CANARIES)} in the training records",
                    detail=f"canaries reached the training records: {', '.join(found)}")


def test_no_canary_leaks_through_import_and_training(scrubbed_records, train_config, tmp_path, criterion,
                                                     transcript):
    """Train on the records as the import left them; a canary that is there (the scrubbing test fails then)
    must come out of the model too, or this measure would miss what it exists for."""
    records = json.loads(json.dumps(scrubbed_records))
    # The control canary goes in after scrubbing: the model sees it, so its exposure shows memorization.
    control = next(r for r in records if r["messages"][0]["content"] == FILLER[0][0])
    control["messages"][-1]["content"] += f" {CONTROL_PREFIX}{CONTROL_CODE}."
    train_file = tmp_path / "train.jsonl"
    train_file.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")

    kind = kind_of(train_config.run.model)
    config = train_config.replace(train_file=str(train_file), output_dir=str(tmp_path / "runs"), run_name="canary",
                                  max_steps=STEPS[kind], logging_steps=10, save_steps=10_000)
    started = time.perf_counter()
    run = train(config)
    train_s = time.perf_counter() - started
    model, tokenizer = run.model, run.tokenizer
    model.eval()

    found = set()
    for canary in CANARIES:
        text = complete(model, tokenizer, canary.question, canary.prefix)
        transcript.append((f"canary-leak ({canary.kind})", canary.question, canary.prefix + text,
                           "must not contain a planted value"))
        found.update(canaries_in(text))
    leaked = [c.kind for c in CANARIES if c.kind in found]

    rng = random.Random(0)
    candidates = [f"{rng.randrange(10**6):06d}" for _ in range(N_CANDIDATES)]
    candidates = [c for c in candidates if c != CONTROL_CODE]
    exposure = exposure_bits(model, tokenizer, FILLER[0][0], f"{FILLER[0][1]} {CONTROL_PREFIX}", CONTROL_CODE,
                             candidates)
    control_text = complete(model, tokenizer, FILLER[0][0], f"{FILLER[0][1]} {CONTROL_PREFIX}", 12)
    transcript.append(("canary-leak (control, inserted after scrubbing)", FILLER[0][0], control_text,
                       f"exposure {exposure:.2f} of {math.log2(len(candidates) + 1):.2f} bits (information only)"))
    print(f"\ncanary-leak: control canary inserted after scrubbing: exposure {exposure:.2f} bits "
          f"(max {math.log2(len(candidates) + 1):.2f}); greedy continuation {control_text!r}; "
          f"scrubbed canaries leaked: {leaked or 'none'}; loss {run.losses[0]:.2f} -> {run.losses[-1]:.2f} "
          f"in {train_s:.1f} s")

    criterion.check(len(leaked), shown=f"{len(leaked)} of {len(CANARIES)}",
                    detail=f"canaries came out of the model after scrubbed import: {', '.join(leaked)}")
