"""Corrections as people phrase them are kept and marked; a sentence that corrects nothing ("for now", "don't
forget") is not marked. The pairs are in the shape of fixtures/corrections/ and go through
scripts/bench_corrections.py's conversation: the fact in turn 1, the later sentence in turn 4, filler around them."""
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
    (HOST, "Forget what I said, the staging database is pg-prod-07.", "pg-prod-07", "pg-prod-03"),
    ("The launch is set for 5 March.", "Launch update, it’s now 12 March.", "12 March", "5 March"),
    ("The launch is set for 5 March.", "Postponed: the launch is now 12 March.", "12 March", "5 March"),
    ("The API gateway listens on port 8443.", "We switched the API gateway port to 9443.", "9443", "8443"),
    ("Whatever happens with the moving van, Yuki Zieliński has the final say.",
     "The moving van got bumped to Lars Petrov.", "Lars Petrov", "Yuki Zieliński"),
    ("Ghent is where the laptop order ends up.", "The laptop order got bumped to the Foundry.", "the Foundry", "Ghent"),
    ("The caterer for the launch party is Hugo Boateng, and the venue is the Granary.",
     "Actually, the venue changed to the Old Mill.", "the Old Mill", "the Granary"),
    ("The train leaves from Platform 9A.", "Update: the train now leaves from Platform 7B.", "7B", "9A"),
    ("The external examiner is Dr. Helena Marquardt.",
     "Correction on the examiner: it'll be Prof. Tomasz Wierzbicki instead.", "Tomasz Wierzbicki", "Helena Marquardt"),
    ("Our GPUs are a100 nodes.", "Actually we moved to h100 nodes.", "h100", "a100"),
    ("My desk extension is 4471.", "Sorry, typo: my desk extension is x4417.", "x4417", "4471"),
    ("SSO 24.15.13 is the build we trust.", "Heads up, SSO changed: 12.1.29-rc4 now, no longer 24.15.13.",
     "12.1.29-rc4", "24.15.13"),
    ("Ops knows the flag as enable_lazy_auth_inline; it drives the nightly ETL.",
     "Small fix: I gave you the wrong one for the nightly ETL earlier, it's use_fencing_reorder_fast.",
     "use_fencing_reorder_fast", "enable_lazy_auth_inline"),
    ("Ops knows the flag as defer_cache_router; it drives SSO.",
     "Small fix: I gave you the wrong one for SSO earlier, it's disable_smart.", "disable_smart", "defer_cache_router"),
    ("We set July 16 for password reset. Whatever happens with SSO, Greta Dubois has the final say.",
     "Small fix: I gave you the wrong one for SSO earlier, it's Chloé Herrera.", "Chloé Herrera", "Greta Dubois"),
]

TWO_CANDIDATES = [
    ("I'm going to a conference abroad. the night train beat Airbnb for the hotel.",
     "The conference sits with Sven Haddad now, she took it over last week.",
     "Small fix: I gave you the wrong one for the conference earlier, it's Priya Iyer.", "Priya Iyer", "Sven Haddad"),
    ("No more debate: Airbnb for the hotel, the morning flight is out.", "For the flight, think Salzburg.",
     "The flight got bumped to Hotel Adler.", "Hotel Adler", "Salzburg"),
    ("The frontend service runs on port 3000.", "The backend service runs on port 8080.",
     "Typo: I said the backend service runs on 8080 but it actually runs on 8081.", "8081", "8080"),
    ("The frontend service runs on port 3000.", "The backend service runs on port 8080.",
     "Update: we changed 8080 to 8081 for the backend service.", "8081", "8080"),
    ("The launch is on 10 May.", "The design review is on 1 May.",
     "Update: the design review is now 3 May, before launch on 10 May.", "3 May", "1 May"),
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


@pytest.mark.parametrize("turn1,turn2,correction,new,old", TWO_CANDIDATES, ids=[p[2][:28] for p in TWO_CANDIDATES])
def test_a_correction_marks_the_value_of_its_subject_not_another_one_it_shares_a_word_with(turn1, turn2, correction,
                                                                                          new, old):
    """Both first turns share a word with the correction; the value it replaces is the one written beside it."""
    from persona.compression.compress import compress
    from persona.compression.extractive import ledger_summarizer

    tokenizer = qwen3_tokenizer()
    turns = [turn1, turn2, *bench.USER_FILLER[:2], correction, *bench.USER_FILLER[2:]]
    messages = [m for text in turns for m in ({"role": "user", "content": text},
                                              {"role": "assistant", "content": bench.ASSISTANT})]
    summary = compress(messages + [{"role": "user", "content": "What is it now?"}], ledger_summarizer(tokenizer),
                       tokenizer, keep_last=1).summary
    line = next(line for line in summary.splitlines() if new in line)
    assert line.startswith("5 corrects 2:") and old in line and line.count(" not ") <= 1, summary


def test_a_named_value_is_not_swapped_for_another_clause_of_its_sentence(summarize):
    """The correction names Marta Silva without replacing anyone: no other clause's value is called replaced."""
    pair = {"intro": "Marta Silva reviews the budget on Monday, and Jonas Weber books the rooms.",
            "correction": "Actually Marta Silva wants Priya Iyer in the budget review too.", "new": "Priya Iyer",
            "old": "Jonas Weber", "question": "Who is in the budget review?"}
    summary = summarize(bench.conversation("pair", pair)).compressed.summary
    assert "not Jonas Weber" not in summary, summary


NOT_CORRECTIONS = [
    ("The search flag enable_search_v2 is on in QA.", "The search flag enable_search_v3 stays off for now."),
    ("The team standup is at 9:30 AM every day.", "Don't forget the standup notes are due by 11:00 AM."),
    ("The release branch is v2.3.0.", "I pushed the release notes for v2.4.0 draft to the wiki."),
    ("The budget for the offsite is $5,000.", "The catering quote (was told by Jim) is $1,200 for the offsite."),
    ("The office printer is on floor 3.", "I'm heading to the printer on floor 5 now."),
    ("Rent for the flat is $1,850 a month.", "The flat's electricity is $120 a month going forward, on top of rent."),
    ("Budget for the offsite is $12,000.", "Update on the offsite: the venue is now Hotel Adler."),
    ("There's a deposit of $500 due for the venue.", "Actually, the venue deposit goes to Jonas Weber."),
    ("She’s the lead on the Ferris account, Ines Duarte.", "Sorry, Ines asked me to loop in Paulo Reis as well."),
    ("The v2.3.0 release ships Friday, and the demo is with Ines Duarte.",
     "Update on v2.3.0: the notes are now with Paulo Reis for proofreading."),
]
"""A later value of the same kind about the same thing, with words that often open corrections, that corrects
nothing: marking it would tell the reader the earlier value is stale."""


@pytest.mark.parametrize("intro,later", NOT_CORRECTIONS, ids=[p[1][:28] for p in NOT_CORRECTIONS])
def test_a_sentence_that_corrects_nothing_is_not_marked(summarize, intro, later):
    pair = {"intro": intro, "correction": later, "new": "-", "old": "-", "question": "What is it?"}
    summary = summarize(bench.conversation("pair", pair)).compressed.summary
    assert " corrects " not in summary, summary


UNCUED_UPDATES = [
    ("The travel budget for Q2 is $12,000.", "Q2 travel got squeezed down to $9,500 after the audit.", "$9,500", "$12,000"),
    ("Our build server's address is 10.0.4.21.", "Build box after the rack move: 10.0.7.33.", "10.0.7.33", "10.0.4.21"),
    ("Lunch on Saturday is with Marta Silva.", "Marta bailed, so Tomasz Nowak is joining us on Saturday.",
     "Tomasz Nowak", "Marta Silva"),
    ("Marta Silva set the budget at $12,000.", "Jonas Weber replied: 9,500 for the 3 teams.", "9,500", "$12,000"),
    ("The standup with Marta Silva is at 9:30.", "Jonas Weber pinged me, standup is 10 from Monday.", "10", "9:30"),
    ("Ring me on my desk line, extension x2218.", "IT renumbered the whole wing, mine's x7310 from Monday.", "x7310",
     "x2218"),
]
"""A later value with no word a correction cue knows: it may stay unmarked, but the line the summary keeps for its
turn holds the new value (the one not said before, the one written with digits), never only the words around an
old one ("Q2 travel got squeezed", "Build box after the rack move")."""


@pytest.mark.parametrize("intro,later,new,old", UNCUED_UPDATES, ids=[p[1][:28] for p in UNCUED_UPDATES])
def test_an_uncued_update_keeps_its_new_value(summarize, intro, later, new, old):
    pair = {"intro": intro, "correction": later, "new": new, "old": old, "question": "What is it now?"}
    result = summarize(bench.conversation("pair", pair))
    assert bench.outcome(result) != "lost", result.compressed.summary


def test_a_mark_names_the_replaced_value_once(summarize):
    # "x4471" is one value: read as the number inside it too, the mark named it twice ("not x4471, not 4471")
    pair = {"intro": "Call the NOC on x4471 about the VPN outage.", "correction": "Sorry, the NOC is on x4417, not x4471.",
            "new": "x4417", "old": "x4471", "question": "What is it now?"}
    summary = summarize(bench.conversation("pair", pair)).compressed.summary
    assert "x4417, not x4471." in summary and "not 4471" not in summary, summary
