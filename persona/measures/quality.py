"""The quality measures over answers (persona.answers), each against its controls in the same run.

| measure | unit of evidence | controls | measured value |
|---|---|---|---|
| memorization | every training prompt | shuffled pairing, base model | mean (own - shuffled) coverage of the trained answer |
| coherence | test + generic prompts | other prompts of the set | share non-empty, no loop, no echo, about its own prompt |
| facts | fact probes + annotated test facts | shuffled pairing, base model | mean (own - shuffled) share of key facts |
| thinking | generic prompts, on and off | - | share with reasoning (on), share clean (off) |
| fact-recall (answers) | compression conversations | the full conversation | recall compressed / recall full |
| quality-kept | compression conversations | the full conversation, base model (floor) | style closeness above the floor, compressed / full |

Style has its own module (persona.measures.style).
"""
from __future__ import annotations

import statistics

from persona.answers import Answer, Prompt
from persona.measures import Measurement
from persona.measures.stats import bootstrap, mean_interval, wilson
from persona.measures.text import about_own_topic, content_stems, is_echo, relevance_matrix, substantive, words
from persona.measures.values import contains_any, contains_value

MIN_REASONING_WORDS = 10
"""A think block shorter than this is not reasoning ("ok", a lone period)."""


def coverage(answer: str, reference: str, asked: str = "") -> float:
    """Share of the reference's distinct content words (stemmed), those of the question aside, that the answer uses
    (repeating the question reproduces nothing that was trained).

    Chosen on the healthy smollm2-135m fine-tune against its base model (docs/calibration.md): of rapidfuzz's
    ratio and token_sort_ratio, word Jaccard, content-word bigrams and this, it separated them most (margin
    0.136 [0.097, 0.183] vs 0.011 [0.003, 0.021]; with ratio 0.044 [0.019, 0.072] vs 0.014 [0.001, 0.027]);
    a long answer that covers many words covers the other prompts' references too, which the shuffled pairing
    takes back.
    """
    wanted = set(content_stems(reference)) - set(content_stems(asked))
    return len(wanted & set(content_stems(answer))) / len(wanted) if wanted else 0.0


def _margins(texts: list[str], prompts: list[Prompt]) -> tuple[list[float], list[float]]:
    """Per answer: coverage of its own reference, and mean coverage of every other prompt's reference."""
    own, other = [], []
    for i, text in enumerate(texts):
        scores = [coverage(text, p.reference, p.asked) for p in prompts]
        own.append(scores[i])
        other.append(statistics.fmean(s for j, s in enumerate(scores) if j != i) if len(scores) > 1 else 0.0)
    return own, other


def memorization(prompts: list[Prompt], tuned: list[Answer], base: list[Answer]) -> dict[str, Measurement]:
    """How much closer each regenerated training answer is to its own trained answer than to the others'.

    `margin` is the paired difference own - shuffled (a constant answer, or another prompt's answer, scores ~0);
    `gain_over_base` the paired difference of that margin between the fine-tune and the base model.
    """
    own, other = _margins([a.answer for a in tuned], prompts)
    base_own, base_other = _margins([a.answer for a in base], prompts)
    margin = [o - s for o, s in zip(own, other)]
    base_margin = [o - s for o, s in zip(base_own, base_other)]
    gain = [m - b for m, b in zip(margin, base_margin)]
    controls = {"own": statistics.fmean(own), "shuffled": statistics.fmean(other),
                "base margin": statistics.fmean(base_margin)}
    detail = (f"coverage of its own trained answer {controls['own']:.3f}, of other prompts' "
              f"{controls['shuffled']:.3f}; the base model's margin {controls['base margin']:.3f}")
    return {"margin": Measurement(statistics.fmean(margin), *mean_interval(margin), len(margin), controls, detail),
            "gain_over_base": Measurement(statistics.fmean(gain), *mean_interval(gain), len(gain), controls, detail)}


def coherent_flags(prompts: list[Prompt], answers: list[Answer]) -> list[bool]:
    """Per answer: substantive (words, no loop), not an echo of its prompt, and about its own prompt more than the
    set's other prompts (ranked by word TF-IDF against each prompt with its reference)."""
    topics = [" ".join(m["content"] for m in p.messages) + " " + p.reference for p in prompts]
    rows = relevance_matrix([a.answer for a in answers], topics)
    return [substantive(a.answer) and not is_echo(a.answer, p.asked) and about_own_topic(row, i)
            for i, (p, a, row) in enumerate(zip(prompts, answers, rows))]


def share(flags: list[bool], detail: str = "", controls: dict | None = None) -> Measurement:
    k, n = sum(flags), len(flags)
    return Measurement(k / n if n else 0.0, *wilson(k, n), n, controls or {}, detail)


def _fact_score(prompt: Prompt, text: str) -> float:
    """Share of the prompt's facts in the text; 0 when a contradicting value of the same kind is there too."""
    if not prompt.facts or any(contains_value(text, w) for w in prompt.wrong):
        return 0.0
    return sum(contains_any(text, variants) for variants in prompt.facts) / len(prompt.facts)


def facts(prompts: list[Prompt], tuned: list[Answer], base: list[Answer]) -> Measurement:
    """Mean over prompts of (share of its own key facts - mean share of other prompts' facts) in the answer."""
    margins, owns = [], []
    for i, (prompt, answer) in enumerate(zip(prompts, tuned)):
        own = _fact_score(prompt, answer.answer)
        others = [_fact_score(p, answer.answer) for j, p in enumerate(prompts) if j != i]
        owns.append(own)
        margins.append(own - (statistics.fmean(others) if others else 0.0))
    base_scores = [_fact_score(p, a.answer) for p, a in zip(prompts, base)]
    controls = {"own": statistics.fmean(owns), "shuffled": statistics.fmean(owns) - statistics.fmean(margins),
                "base": statistics.fmean(base_scores)}
    missed = [p.id for p, s in zip(prompts, owns) if s < 1]
    return Measurement(statistics.fmean(margins), *mean_interval(margins), len(margins), controls,
                       f"own facts {controls['own']:.2f}, other prompts' {controls['shuffled']:.2f}, base model "
                       f"{controls['base']:.2f}; incomplete: {', '.join(missed[:8])}")


def reasoned(answer: Answer) -> bool:
    """A closed think block with substantive reasoning, then a non-empty answer."""
    closed = "</think>" in answer.text
    return closed and substantive(answer.reasoning, MIN_REASONING_WORDS) and substantive(answer.answer)


def clean(answer: Answer) -> bool:
    """No reasoning and no think tag, and a non-empty answer."""
    return not answer.reasoning and "<think>" not in answer.text and substantive(answer.answer)


def thinking(on: list[Answer], off: list[Answer]) -> dict[str, Measurement]:
    on_flags, off_flags = [reasoned(a) for a in on], [clean(a) for a in off]
    detail = (f"thinking on: reasoning and an answer in {sum(on_flags)}/{len(on_flags)}; thinking off: a clean "
              f"answer in {sum(off_flags)}/{len(off_flags)}")
    return {"reasoning_on": share(on_flags, detail), "clean_off": share(off_flags, detail)}


def recall(answer: str, expected: list[str]) -> float:
    return sum(contains_value(answer, e) for e in expected) / len(expected) if expected else 0.0


def answerable(full: list[str], expected: list[list[str]]) -> list[int]:
    """The conversations whose full-context answer names every expected value."""
    return [i for i, (f, e) in enumerate(zip(full, expected)) if e and recall(f, e) == 1]


def informative(compressed: list[str], full: list[str], expected: list[list[str]]) -> int:
    """Conversations whose answer names an expected value with either context: the only ones a recall ratio learns
    from (both contexts at nothing say nothing about what compression did)."""
    return sum(recall(c, e) > 0 or recall(f, e) > 0 for c, f, e in zip(compressed, full, expected))


def ratio_of_means(floor: float = 0.0):
    """The statistic of paired (with compression, without) scores: (mean with - floor) / (mean without - floor), 0
    where the reference is not above the floor."""
    def ratio(sample) -> float:
        above = statistics.fmean(p[1] for p in sample) - floor
        return (statistics.fmean(p[0] for p in sample) - floor) / above if above > 0 else 0.0
    return ratio


def style_score(style, answer: str) -> float:
    """An answer's closeness to the person's style profile; 0 for an answer that is no answer (empty, a loop)."""
    return style.score(answer) if substantive(answer) else 0.0


def recall_ratio(compressed: list[str], full: list[str], expected: list[list[str]]) -> Measurement:
    """Recall with the compressed context / recall with the full one, with a bootstrap over conversations.

    Symmetric in what compression loses and what it gains: a weak model answers right by luck in either context,
    and counting only the questions answered from the full conversation (a share of those kept) would select the
    lucky full-context answers and read the regression to the mean as a loss (on smollm2-135m: 0 of 2 kept while
    recall over all went from 0.38 to 0.46)."""
    pairs = [(recall(c, e), recall(f, e)) for c, f, e in zip(compressed, full, expected)]
    ratio = ratio_of_means()
    low, high = bootstrap(pairs, ratio)
    reference = statistics.fmean(p[1] for p in pairs)
    answered = answerable(full, expected)
    kept = sum(recall(compressed[i], expected[i]) == 1 for i in answered)
    return Measurement(ratio(pairs), low, high, len(pairs), {"full": reference,
                       "compressed": statistics.fmean(p[0] for p in pairs)},
                       f"recall compressed {statistics.fmean(p[0] for p in pairs):.2f}, full {reference:.2f}; "
                       f"answered from the full context {len(answered)}, of them with compression too {kept}")


def substitutions_by_compression(compressed: list[str], full: list[str], expected: list[list[str]],
                                 distractors: list[list[str]]) -> int:
    """Compressed-context answers that lost a value the full-context answer named and name a look-alike instead.
    Swapping the arguments counts the same the other way, the control: a noisy model swaps some either way."""
    return sum(any(contains_value(f, e) and not contains_value(c, e) for e in es)
               and any(contains_value(c, d) for d in ds)
               for c, f, es, ds in zip(compressed, full, expected, distractors))


def substitutions(answers: list[str], expected: list[list[str]], distractors: list[list[str]]) -> int:
    """Answers that carry a look-alike value where an expected one is missing."""
    return sum(recall(a, e) < 1 and any(contains_value(a, d) for d in ds)
               for a, e, ds in zip(answers, expected, distractors))


def style_kept(compressed: list[str], full: list[str], style, floor: float = 0.0) -> Measurement:
    """How much of the answers' closeness to the person's style (persona.measures.style) above `floor` (the base
    model's closeness: text in no one's voice in particular) compression keeps: (mean with the compressed context -
    floor) / (mean with the full conversation - floor), with a bootstrap over conversations; an answer that is no
    answer (empty, a loop) scores 0.

    A ratio of means, not a share of answers each keeping 80% of its own closeness: two contexts give two answers,
    so even a compression that changes nothing would fail single answers by noise, and that share sat at 0.42-0.76
    for healthy runs. The ratio is about 1 then, whatever the noise; the interval says how sure that is. Above the
    floor, so that answers in another voice read as lost (lorem ipsum is nearer the person than 0)."""
    pairs = [(style_score(style, c), style_score(style, f)) for c, f in zip(compressed, full)]
    ratio = ratio_of_means(floor)
    low, high = bootstrap(pairs, ratio)
    with_c, without = (statistics.fmean(p[i] for p in pairs) for i in (0, 1))
    broken = sum(not substantive(a) for a in compressed), sum(not substantive(a) for a in full)
    return Measurement(ratio(pairs), low, high, len(pairs), {"full": without, "compressed": with_c, "floor": floor},
                       f"style closeness compressed {with_c:.3f}, full {without:.3f}, base model {floor:.3f}; no "
                       f"answer with compression {broken[0]}, without {broken[1]}")


def word_count(text: str) -> int:
    return len(words(text))
