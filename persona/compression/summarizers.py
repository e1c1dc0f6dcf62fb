"""The summarizers `persona compress --strategy` and `pytest evals --summarizer` can name.

    ledger      fact clauses, one line per turn (persona.compression.extractive); no model. The default: see
                docs/benchmarks.md for the measurement that chose it.
    extractive  fact-carrying sentences (persona.compression.extractive); no model.
    model       the persona (or any model) writes the summary, thinking off.
    hybrid      the ledger, then a model-written summary in the budget the ledger leaves.

Every summarizer takes `(old_messages, budget_tokens=None)` and returns text; persona.compression.compress
strips any think trace from it. An import path "module:function" names any other summarizer.

    from persona.compression.summarizers import resolve_summarizer
    summarize = resolve_summarizer("ledger", tokenizer)
"""
from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from typing import Callable

from persona.chat import strip_think
from persona.compression.compress import SUMMARY_PROMPT, transcript

DEFAULT_STRATEGY = "ledger"
"""Strategy of `persona compress` and the evals when none is named."""


@dataclass
class ModelSummarizerConfig:
    max_new_tokens: int = 160
    """Longest summary the model may write (also capped by the caller's budget)."""
    system_prompt: str = SUMMARY_PROMPT
    """Instruction given to the model; it asks to keep names, numbers, dates, versions, decisions."""


def model_summarizer(model, tokenizer, config: ModelSummarizerConfig | None = None):
    """Summarizer backed by a model (the persona or any other), thinking disabled."""
    config = config or ModelSummarizerConfig()

    def summarize(old: list[dict], budget_tokens: int | None = None) -> str:
        from persona.infer import generate  # on use, like the factories below

        limit = min(config.max_new_tokens, budget_tokens) if budget_tokens else config.max_new_tokens
        if limit <= 0:
            return ""
        prompt = [{"role": "system", "content": config.system_prompt},
                  {"role": "user", "content": "Conversation:\n" + transcript(old)}]
        [generation] = generate(model, tokenizer, [prompt], thinking=False, max_new_tokens=limit, batch_size=1)
        return strip_think(generation.answer or generation.text)

    return summarize


@dataclass
class HybridConfig:
    ledger_share: float = 0.7
    """Share of the budget the fact ledger may use; the model writes in what it leaves."""
    min_model_tokens: int = 24
    """Below this many tokens left, the model is not asked at all."""


def hybrid_summarizer(ledger, model_summary, tokenizer, config: HybridConfig | None = None):
    """The fact ledger first (exact values, turn-tagged), then a model-written summary of the rest."""
    config = config or HybridConfig()

    def n_tokens(text: str) -> int:
        return len(tokenizer(text, add_special_tokens=False)["input_ids"])

    def summarize(old: list[dict], budget_tokens: int | None = None) -> str:
        facts = ledger(old, budget_tokens=int(config.ledger_share * budget_tokens) if budget_tokens else None)
        left = budget_tokens - n_tokens(facts) - 2 if budget_tokens else None
        if left is not None and left < config.min_model_tokens:
            return facts
        prose = strip_think(model_summary(old, budget_tokens=left)).strip()
        return f"{facts}\nSummary: {prose}" if prose else facts

    return summarize


# The factories import their strategy's module when called: `persona` reads SUMMARIZERS to build its
# options, and importing persona.compression.extractive and persona.infer up front adds ~20 ms (15%) to every command.
def _ledger(tokenizer, model):
    from persona.compression.extractive import ledger_summarizer

    return ledger_summarizer(tokenizer)


def _extractive(tokenizer, model):
    from persona.compression.extractive import extractive_summarizer

    return extractive_summarizer(tokenizer)


def _model(tokenizer, model):
    if model is None:
        raise ValueError("summarizer 'model' needs a model; pass --model")
    return model_summarizer(model, tokenizer)


def _hybrid(tokenizer, model):
    if model is None:
        raise ValueError("summarizer 'hybrid' needs a model; pass --model")
    return hybrid_summarizer(_ledger(tokenizer, None), model_summarizer(model, tokenizer), tokenizer)


SUMMARIZERS: dict[str, Callable] = {"ledger": _ledger, "extractive": _extractive, "model": _model,
                                    "hybrid": _hybrid}
"""Strategy name -> factory(tokenizer, model) returning a summarizer."""
NEEDS_MODEL = frozenset({"model", "hybrid"})
"""Strategies that cannot run without a model."""


def resolve_summarizer(name: str, tokenizer, model=None):
    """A registered strategy (SUMMARIZERS) or an import path 'module:function' to a summarizer."""
    if name in SUMMARIZERS:
        return SUMMARIZERS[name](tokenizer, model)
    if not re.fullmatch(r"[\w.]+:\w+", name):
        raise ValueError(f"summarizer {name!r}: expected one of {', '.join(SUMMARIZERS)} or module:function")
    module_name, function_name = name.split(":")
    function = getattr(importlib.import_module(module_name), function_name, None)
    if not callable(function):
        raise ValueError(f"summarizer {name!r}: {module_name} has no callable {function_name}")
    return function
