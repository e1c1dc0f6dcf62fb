"""Corrections as people phrase them are kept and marked; a sentence that only sounds like one ("for now") is not
marked. The pairs are in the shape of fixtures/corrections/ and go through scripts/bench_corrections.py's
conversation: the fact in turn 1, the correction in turn 4, filler around them."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from persona.compression.evaluation import evaluate_case
from persona.compression.summarizers import DEFAULT_STRATEGY, resolve_summarizer
from persona.tokenizer import qwen3_tokenizer

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("bench_corrections", ROOT / "scripts/bench_corrections.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)

HOST = "Our staging database runs on pg-prod-03."
PAIRS = [
    (HOST, "I misspoke earlier, the staging database is pg-prod-07.", "pg-prod-07", "pg-prod-03"),
    (HOST, "Strike that, the staging database is pg-prod-07.", "pg-prod-07", "pg-prod-03"),
    (HOST, "Update: the staging database host is pg-prod-07.", "pg-prod-07", "pg-prod-03"),
    (HOST, "Staging database: pg-prod-07 (was pg-prod-03).", "pg-prod-07", "pg-prod-03"),
    ("The launch is set for 5 March.", "Postponed: the launch is now 12 March.", "12 March", "5 March"),
    ("The API gateway listens on port 8443.", "We switched the API gateway port to 9443.", "9443", "8443"),
    ("The license costs $599 a year.", "The license price went up to $649 a year.", "$649", "$599"),
    ("The external examiner is Dr. Helena Marquardt.",
     "Correction on the examiner: it'll be Prof. Tomasz Wierzbicki instead.", "Tomasz Wierzbicki", "Helena Marquardt"),
]


@pytest.fixture(scope="module")
def summarize():
    tokenizer = qwen3_tokenizer()
    return lambda conversation: evaluate_case(conversation, resolve_summarizer(DEFAULT_STRATEGY, tokenizer), tokenizer)


@pytest.mark.parametrize("intro,correction,new,old", PAIRS, ids=[p[1][:28] for p in PAIRS])
def test_a_correction_is_kept_and_marked(summarize, intro, correction, new, old):
    pair = {"intro": intro, "correction": correction, "new": new, "old": old, "question": "What is it now?"}
    result = summarize(bench.conversation("pair", pair))
    assert bench.outcome(result) == "ok", result.compressed.summary


def test_for_now_is_no_correction(summarize):
    pair = {"intro": "The flag enable_search_v2 is on in QA.", "correction": "enable_search_v3 stays off for now.",
            "new": "enable_search_v3", "old": "enable_search_v2", "question": "Which flag is on?"}
    summary = summarize(bench.conversation("pair", pair)).compressed.summary
    assert " corrects " not in summary, summary
