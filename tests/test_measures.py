"""The quality measures fed outputs that must fail: the person's own answers stand in for a perfect fine-tune, and
each degenerate output (one answer for everything, the prompt echoed, another prompt's answer, lorem ipsum, empty,
a loop, a think block with no answer, the facts wrong) must score clearly below it on the measure that names it."""
from __future__ import annotations

import pytest

from persona.answers import Answer, Prompt
from persona.data import load_jsonl
from persona.harness.answers import example_prompts, generic_prompts, probe_prompts
from persona.measures import quality
from persona.measures.stats import mean_interval, wilson
from persona.measures.style import StyleProfile, style_gap_closed
from persona.measures.values import contains_any, contains_value
from tests.helpers import ROOT

TRAIN = example_prompts(load_jsonl(ROOT / "data/toy/train.jsonl"), "train", thinking=lambda e: False)
TEST = example_prompts(load_jsonl(ROOT / "data/toy/test.jsonl"), "test")
GENERIC = generic_prompts()
PROBES = probe_prompts(ROOT / "data/toy/probes.jsonl")
LOREM = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et "
         "dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris.")
STOPWORDS = "the and i to a it of is that for in you we but on with so not be this just it's was have my"


def _answers(prompts, texts, thinking=False):
    return [Answer(p.set, p.id, "fine-tuned", thinking, p.messages, t) for p, t in zip(prompts, texts)]


def _frequent_words(prompts, n=60) -> str:
    from collections import Counter

    counts = Counter(w for p in prompts for w in p.reference.lower().split())
    return " ".join(w for w, _ in counts.most_common(n))


DEGENERATE = {
    "constant": lambda ps: [STOPWORDS + " " + _frequent_words(TRAIN)] * len(ps),
    "echo": lambda ps: [p.asked for p in ps],
    "other answer": lambda ps: [ps[(i + 7) % len(ps)].reference or TRAIN[i % len(TRAIN)].reference
                                for i in range(len(ps))],
    "lorem ipsum": lambda ps: [LOREM] * len(ps),
    "empty": lambda ps: [""] * len(ps),
    "loop": lambda ps: ["the the the the the the the the the the the the the the"] * len(ps),
}


def test_intervals():
    low, high = wilson(4, 10)
    assert 0.16 < low < 0.17 and 0.68 < high < 0.69
    assert wilson(0, 0) == (0.0, 1.0)
    low, high = mean_interval([0.1] * 20)
    assert low == high == pytest.approx(0.1)


@pytest.mark.parametrize("value,text,found", [
    ("1 October", "it was on 11 October", False), ("16 May", "see you 16 March", False),
    ("1450", "it cost 1,450 euros", True), ("7:45", "the train leaves at 7:45.", True),
    ("four-day week", "a 4 day week since 2023", True), ("Kellermann", "ask Kellerman", False),
    ("32h", "mon-thu, 32 h a week", True), ("Veselá", "dara vesela", True), ("8443", "port 84430", False)],
    ids=lambda v: str(v))
def test_values_match_on_boundaries_after_normalization(value, text, found):
    assert contains_value(text, value) is found


def test_memorization_margin_tells_recall_from_degenerate_outputs():
    perfect = quality.memorization(TRAIN, _answers(TRAIN, [p.reference for p in TRAIN]),
                                   _answers(TRAIN, [LOREM] * len(TRAIN)))
    assert perfect["margin"].low > 0.3 and perfect["gain_over_base"].low > 0.3
    for name, make in DEGENERATE.items():
        got = quality.memorization(TRAIN, _answers(TRAIN, make(TRAIN)), _answers(TRAIN, [LOREM] * len(TRAIN)))
        assert got["margin"].high < 0.05, (name, got["margin"])


def test_coherence_fails_every_degenerate_output():
    good = quality.coherent_flags(TRAIN, _answers(TRAIN, [p.reference for p in TRAIN]))
    assert sum(good) / len(good) >= 0.8
    for name, make in DEGENERATE.items():
        flags = quality.coherent_flags(TRAIN, _answers(TRAIN, make(TRAIN)))
        assert sum(flags) / len(flags) <= 0.15, (name, sum(flags))


def _generic_reply(prompt: Prompt) -> str:
    return (f"Great question! When it comes to \"{prompt.asked}\", there are several factors to consider. "
            "First, think about your goals and priorities. Second, weigh the costs and benefits carefully. "
            "Ultimately, the best choice depends on your specific situation. I hope this helps!")


def test_style_gap_closed_reads_the_person_not_the_filler():
    base = [_generic_reply(p) for p in TEST]
    profile = StyleProfile([p.reference for p in TRAIN])
    held_out = [p.reference for p in TEST]
    person = style_gap_closed(profile, held_out, base, held_out)
    assert person.estimate == pytest.approx(1.0)
    half = [h if i % 2 else b for i, (h, b) in enumerate(zip(held_out, base))]
    assert 0.2 < style_gap_closed(profile, half, base, held_out).estimate < 0.8
    for name in ("lorem ipsum", "empty", "loop", "echo"):
        got = style_gap_closed(profile, DEGENERATE[name](TEST), base, held_out)
        assert got.high < 0.5, (name, got)
    longer = [b + " " + b for b in base]  # length alone closes nothing
    assert style_gap_closed(profile, longer, base, held_out).high < 0.3


def test_facts_count_values_and_contradictions():
    right = [" and ".join(f[0] for f in p.facts) for p in PROBES]
    got = quality.facts(PROBES, _answers(PROBES, right), _answers(PROBES, [""] * len(PROBES)))
    assert got.low > 0.8
    wrong = [p.wrong[0] if p.wrong else "no idea" for p in PROBES]
    assert quality.facts(PROBES, _answers(PROBES, wrong), _answers(PROBES, wrong)).high < 0.1
    everything = " ".join(right)  # one answer naming every fact: as good on every probe, so no margin
    assert quality.facts(PROBES, _answers(PROBES, [everything] * len(PROBES)), _answers(PROBES, right)).high < 0.2
    contradicted = [r + " or maybe " + p.wrong[0] if p.wrong else r for r, p in zip(right, PROBES)]
    assert quality.facts(PROBES, _answers(PROBES, contradicted), _answers(PROBES, right)).estimate < got.estimate - 0.5
    assert contains_any("fed on sunday mornings", ["sunday"]) and not contains_any("sundays", ["sunday"])


@pytest.mark.parametrize("text,on_ok", [
    ("<think>Reversibility first: a one-week trial costs little and we can roll it back if it hurts.</think>"
     "Do the trial, then decide.", True),
    ("<think>.</think>", False), ("<think>ok</think>Do the trial, then decide.", False),
    ("<think>the the the the the the the the the the the the the the", False),
    ("<think>Reversibility first: a one-week trial costs little and we can roll it back.</think>", False),
    ("Do the trial, then decide.", False)], ids=range(6))
def test_reasoning_needs_a_closed_block_of_reasoning_and_an_answer(text, on_ok):
    [answer] = _answers(GENERIC[:1], [text], thinking=True)
    assert quality.reasoned(answer) is on_ok


def test_thinking_off_needs_an_answer_and_no_think_block():
    texts = ["Do the trial, then decide.", "", "<think>hmm, maybe</think>Do it.", "ok"]
    assert [quality.clean(a) for a in _answers(GENERIC[:4], texts)] == [True, False, False, False]


def test_quality_kept_is_the_style_kept_by_compression_against_the_full_conversation():
    # The person's held-out-like writing (the training answers, halves swapped) as the full-context answers; the
    # floor from text in no one's voice in particular (the generic prompts).
    profile = StyleProfile([p.reference for p in TRAIN[:25]])
    own = [p.reference for p in TRAIN[25:]]
    floor = sum(profile.score(p.asked) for p in generic_prompts()) / len(generic_prompts())
    unchanged = quality.style_kept(own, own, profile, floor)
    assert unchanged.estimate == pytest.approx(1.0) and unchanged.low == pytest.approx(1.0)
    noisy = quality.style_kept(own[1:] + own[:1], own, profile, floor)  # other answers of the same voice: noise
    assert noisy.low <= 1.0 <= noisy.high and noisy.low > 0.8, noisy
    for broken in ([LOREM] * len(own), [""] * len(own), ["the the the the the the the the the"] * len(own),
                   [p.asked for p in generic_prompts()][:len(own)]):
        lost = quality.style_kept(broken, own, profile, floor)
        assert lost.high < 0.8, (broken[0], lost)
    assert "no answer with compression 25" in quality.style_kept([""] * len(own), own, profile, floor).detail
    assert quality.substitutions(["It is 9090."], [["8443"]], [["9090"]]) == 1


def test_fact_recall_weighs_what_compression_loses_against_what_it_gains():
    expected = [["8443"], ["eu-west-1"], ["1 October"], ["Keller"]]
    full = ["Port 8443.", "It runs in eu-west-1.", "No idea.", "Ask Mrs. Keller."]
    compressed = ["8443, as agreed.", "Somewhere in the EU.", "It starts on 1 October.", "Keller."]
    assert quality.recall_ratio(compressed, full, expected).estimate == 1.0  # one lost, one gained
    assert quality.recall_ratio(["", "", "", ""], full, expected).estimate == 0
    assert quality.recall_ratio(compressed[:1] + ["", "", ""], full, expected).estimate == 1 / 3
    assert quality.answerable(full, expected) == [0, 1, 3]


def test_a_look_alike_the_model_names_from_the_full_context_too_is_not_compressions_doing():
    expected, distractors = [["8443"], ["8443"]], [["18443"], ["18443"]]
    full, compressed = ["Port 18443.", "Port 8443."], ["Port 18443.", "Port 18443."]
    assert quality.substitutions_by_compression(compressed, full, expected, distractors) == 1
    assert quality.substitutions(compressed, expected, distractors) == 2
    # per value: the full answer named one of two facts, compression lost that one for a look-alike
    assert quality.substitutions_by_compression(["Port 18443 in eu-west-1."], ["Port 8443."], [["8443", "dc-2"]],
                                                [["18443"]]) == 1


def test_generic_prompts_are_many_distinct_and_about_no_one():
    asked = [p.asked for p in GENERIC]
    assert len(asked) >= 40 and len(set(asked)) == len(asked)
    assert not any("dara" in a.lower() for a in asked)
    assert isinstance(GENERIC[0], Prompt)
