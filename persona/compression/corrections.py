"""Which later sentences correct or update a fact the summary keeps, and which value they replace.

"Scratch that, checkout moved to 9443", "Update on the dinner: it changed to Hugo Boateng", "wait, the
primary is actually pg-prod-07": a sentence with a correction cue (CUE) and a value, about something a
kept sentence of an earlier turn gave a value of the same kind ("checkout listens on 8443"). The
summary keeps such a sentence whole and marks it: the ledger tags its line "3 corrects 1:" and adds
", not 8443" when the sentence does not name the value it replaces, so a model reading the context
answers with the current value.

    from persona.compression.corrections import find_corrections
    find_corrections(units, kept)   # {sentence index: Correction(turn=1, old="8443")}

Pure functions on units (persona.compression.extractive.Unit); no model, no tokenizer.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from persona.compression.facts import content_words, has_digits
from persona.values import contains_value, find_value_spans

if TYPE_CHECKING:
    from persona.compression.extractive import Unit

CUE = re.compile(
    r"\b(?:wait|actually|sorry|scratch that|correction|i mean|make that|misread|mistake|typo|no longer|"
    r"(?<!go )(?<!goes )(?<!went )(?<!going )(?<!gone )wrong|"
    r"changed|(?:moved|bumped|switched|updated) (?:to|from|over)|update on|ignore the|the right one|no wait|"
    r"misspoke|oops|turns out|correct myself|strike that|change of plans?|reassigned|rebooked|rescheduled|"
    r"postponed|pushed (?:back )?to|extended to|(?:cut|raised|lowered|reduced|increased|dropped) to|rather than|"
    r"from today|(?:is|are|it[’']s) now|as i (?:wrote|said)|ignore what|forget (?:what|that)|previously|relocated|"
    r"(?:moved|switched|changed) (?:the |our |my )?\w+(?: \w+){0,2} to)\b|\bupdate:|\(was\b(?! told)", re.I)
"""Words that say a value replaces an earlier one. Not "instead", "change" or "updated" alone: on the
fixtures they open sentences about another thing ("rank 8 instead" for another experiment, "does that
change anything"), and a false correction tells the reader a kept fact is stale."""
CUE_WORDS = frozenset(content_words("wait actually sorry scratch correction mean make misread wrong mistake typo no "
                                    "longer instead change changed changes moved bumped update updated ignore right "
                                    "switched now fix small heads up earlier before gave said mentioned one not"))
"""Cue words and their company ("I gave you the wrong one earlier"): never the subject of a correction."""
ADVICE = frozenset({"opener", "compound", "decision"})
"""Fact kinds too unsure to carry a correction."""
MIN_SHARED = 1
"""Subject words a correction must share with the sentence it corrects."""


@dataclass(frozen=True)
class Correction:
    turn: int
    """Turn of the sentence whose value is replaced."""
    old: str
    """The replaced value as written there; '' when the correcting sentence names it already."""


def _strong(unit: Unit) -> list[tuple[str, str]]:
    return [(key, kind) for key, kind, _ in unit.facts if kind not in ADVICE]


def _replaceable(unit: Unit) -> list[tuple[str, str]]:
    """The values a later sentence may replace: the strong ones; in a sentence without any, a capitalized opener read
    as a name ("Ghent is where the laptop order ends up", later "the laptop order got bumped to the Foundry"), but
    not "There's", nor "Budget" beside a real value ("Budget for the offsite is $12,000")."""
    return _strong(unit) or [(key, "name") for key, kind, _ in unit.facts
                             if kind == "opener" and not re.search("['’]", key)]


def _sentences(units: list[Unit]) -> dict[int, list[int]]:
    by_sentence: dict[int, list[int]] = {}
    for i, unit in enumerate(units):
        by_sentence.setdefault(unit.sentence, []).append(i)
    return by_sentence


def _subject_words(text: str, facts: list) -> set[str]:
    """What a sentence is about: its words outside its values and the cue's company. A value is cut out where
    it is written, so a word that also stands alone stays ("checkout is defer_checkout_inline_geo"); a value
    not found as written gives up its words."""
    unfound: set[str] = set()
    for key, kind, words in facts:
        if kind in ADVICE:  # a capitalized opener ("Dentist's office called") is a word of the subject
            continue
        spans = find_value_spans(text, key)
        for start, end in reversed(spans):
            text = f"{text[:start]} {text[end:]}"
        if not spans:
            unfound |= words
    return content_words(text) - CUE_WORDS - unfound


def find_corrections(units: list[Unit], kept: set[int]) -> dict[int, Correction]:
    """Sentence index -> what it corrects, for every sentence that corrects a value of a kept unit
    (`kept`: unit indexes) stated in an earlier turn or an earlier sentence of the same message."""
    found: dict[int, Correction] = {}
    sentences = _sentences(units)
    texts = {sentence: " ".join(units[i].text for i in members) for sentence, members in sentences.items()}
    keys = {sentence: {key for i in members for key, _, _ in units[i].facts} for sentence, members in sentences.items()}
    candidates = [j for j in kept if _replaceable(units[j])]
    for sentence, members in sentences.items():
        new = [fact for i in members for fact in _strong(units[i])]
        if not new or not CUE.search(texts[sentence]):
            continue
        correcting = _Correcting(texts[sentence], new, keys[sentence], units[members[0]],
                                 _subject_words(texts[sentence], [fact for i in members for fact in units[i].facts]))
        best = None
        for j in candidates:
            earlier = units[j]
            if earlier.sentence == sentence or earlier.order > correcting.first.order or earlier.role == "system":
                continue
            if earlier.turn == correcting.first.turn and earlier.message != correcting.first.message:
                continue
            scored = _score(earlier, correcting, texts[earlier.sentence], keys[earlier.sentence])
            if scored and (best is None or scored[0] > best[0]):
                best = (*scored, earlier)
        if best:
            _, old, earlier = best
            spans = find_value_spans(earlier.text, old)
            start, end = spans[0] if spans else (0, 0)
            article = re.search(r"\b(?:the|a|an)\s+$", earlier.text[:start], re.I)  # "the Granary", not "Granary"
            written = earlier.text[article.start() if article else start:end] if spans else old
            found[sentence] = Correction(earlier.turn, "" if contains_value(texts[sentence], written) else written)
    return found


@dataclass(frozen=True)
class _Correcting:
    """A sentence with a correction cue: its text, strong values, every value key, first unit and subject words."""
    text: str
    new: list
    values: set
    first: Unit
    subject: set


def _score(earlier: Unit, correcting: _Correcting, sentence_text: str, sentence_keys: set) -> tuple | None:
    """(rank, the value replaced) when the correcting sentence may replace a value of the kept unit `earlier`, whose
    whole sentence reads `sentence_text` and holds the values `sentence_keys`; None when it does not."""
    replaceable = _replaceable(earlier)
    before = {key for key, _ in replaceable}
    fresh = {kind for key, kind in correcting.new if key not in before}
    named = {key for key, _ in correcting.new}
    openers = {key for key, kind, _ in earlier.facts if kind == "opener"}
    # An opener the correcting sentence names too is its subject, not the value it replaces.
    olds = [key for key, kind in replaceable
            if kind in fresh and not (key in openers and contains_value(correcting.text, key))]
    if not olds:
        return None
    # A value the sentence names too may be its subject ("the iOS build"): an unnamed one is replaced,
    # one written with digits first where the new value has them ("r6i.4xlarge", not "ML").
    digits = any(has_digits(key) for key, kind in correcting.new if kind in fresh)
    olds.sort(key=lambda key: (key in named, digits and not has_digits(key)))
    # A kept clause is about what its whole sentence is about ("Whatever happens with the moving van, Yuki has the
    # final say": the clause holding Yuki shares "moving van" with "the van got bumped to Lars").
    sentence_words = content_words(sentence_text)
    about = len(correcting.subject & sentence_words)
    clause_values = len(correcting.values & {key for key, _, _ in earlier.facts})
    shared = about + clause_values
    # Through a value of another clause only when the correction is about nothing the sentence does not say
    # ("the wrong one for SSO, it's Chloé Herrera" against "Whatever happens with SSO, Greta Dubois has the final
    # say"; not "Update on v2.3.0: the notes are now with Paulo Reis" against "…, and the demo is with Ines Duarte").
    through = correcting.subject <= sentence_words and bool(correcting.values & sentence_keys)
    if shared < MIN_SHARED and not through:
        return None
    # First the sentence's shared words and values. Between clauses of one sentence, one whose only candidate is a
    # value the correction names as what it is about ("it drives the nightly ETL", corrected by "the wrong one for
    # the nightly ETL, it's use_fencing_reorder_fast") yields to one holding a value the correction leaves out or
    # names otherwise ("not kafka-blue-09", "Marta Silva wants"); then the clause's own words, then those written
    # near the value ("For the flight, think Salzburg" beats "Airbnb for the hotel, the morning flight is out" for
    # "The flight got bumped to Hotel Adler"), then the clause's values.
    rank = (about + len(correcting.values & sentence_keys),
            olds[0] not in named or not _named_as_subject(correcting.text, olds[0]),
            len(correcting.subject & content_words(earlier.text)),
            len(correcting.subject & _near(sentence_text, olds[0])),
            clause_values)
    return rank, olds[0]


NEAR_WORDS = 3
"""Words either side of a value that say what it is the value of ("the flight ... think Salzburg")."""


def _near(text: str, value: str, width: int = NEAR_WORDS) -> set[str]:
    """Content words within `width` words of where the text writes the value, cue words aside."""
    near: set[str] = set()
    for start, end in find_value_spans(text, value):
        near |= content_words(" ".join(text[:start].split()[-width:] + text[end:].split()[:width]))
    return near - CUE_WORDS


SUBJECT = re.compile(r"\b(?:for|about|regarding|update on|news on)\W+(?:\w+\W+){0,2}$", re.I)
"""What stands just before a value a correcting sentence names as what it is about ("the wrong one for the nightly
ETL", "Update on SSO:"), not as the value it replaces ("changed 8080 to 8081", "it runs on 8080 but")."""
REPLACED = re.compile(
    r"\b(?:was|were|not|no longer|instead of|rather than|from|previously|said|wrote)\W+(?:\w+\W+){0,2}$", re.I)
"""What stands just before a value named as the one replaced ("(was pg-prod-03)", "I said 8080"): never a subject."""


def _named_as_subject(text: str, value: str) -> bool:
    return any(SUBJECT.search(text[:start]) and not REPLACED.search(text[:start])
               for start, _ in find_value_spans(text, value))


def marked(unit: Unit) -> str:
    """The unit's text, with the value it replaces after it when it does not name it ("…, not 8443.")."""
    if not unit.was:
        return unit.text
    stop = re.search(r"[.!?]+$", unit.text)
    body = unit.text[:stop.start()] if stop else unit.text
    return f"{body}, not {unit.was}{stop.group() if stop else ''}"
