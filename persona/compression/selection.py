"""Which units (sentences or clauses) a model-free summary keeps, within a token budget.

First what must stay, past the budget if need be (see `select`), then a lazy greedy cover: a unit's
gain is the weight of the fact spans it brings that nothing kept so far carries, times an earliness
prior, divided by a power of its token cost (persona.compression.extractive.SelectionConfig).
"""
from __future__ import annotations

import heapq
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from persona.compression.corrections import find_corrections
from persona.compression.facts import content_words, has_digits

if TYPE_CHECKING:
    from persona.compression.extractive import SelectionConfig, Unit

KIND_WEIGHTS = {"decision": 1.0, "compound": 0.3, "number": 0.8, "identifier": 1.0, "name": 1.0, "opener": 0.5}
"""Weight of a new fact span by kind; kinds not listed weigh 1.2 (dates, amounts, versions...)."""
DEFAULT_KIND_WEIGHT = 1.2

WEAK_KINDS = frozenset({"opener", "compound"})
"""Fact kinds too unsure to anchor a short line."""
ADVICE_KINDS = WEAK_KINDS | {"decision"}
"""Kinds that do not keep an early assistant unit on their own: an assistant's "rather than" is
advice. (Leaving quantities out too cut 1.8 points more on the tuning half for 1 fact of 359, and
lost 8 facts of 366 on the test half: not taken.)"""


def _gain(unit: Unit, keys: set, words: set, config: SelectionConfig, cost: int) -> float:
    weight = 0.0
    for key, kind, key_words in unit.facts:
        if key not in keys and not (key_words and key_words <= words):
            weight += config.kind_weights.get(kind, DEFAULT_KIND_WEIGHT)
    if unit.role == "assistant":
        weight *= config.assistant_weight
    elif unit.role == "user":
        weight += config.context_weight
    return weight * config.turn_decay ** (unit.turn - 1) / cost ** config.length_power


@dataclass
class Selection:
    units: list[Unit]
    """Chosen units in the order chosen; short lines already trimmed (Unit.trimmed)."""
    mandatory: int
    """How many of the first `units` stay whatever the budget: the protected first turns, their
    assistant facts and one line per turn."""


class _Picker:
    """What is chosen so far, what it costs, and which fact keys and words it already carries."""

    def __init__(self, units: list[Unit], config: SelectionConfig):
        self.units, self.config = units, config
        self.keys, self.words, self.chosen, self.opened, self.spent = set(), set(), {}, set(), 0

    def cost(self, i: int, short: bool = False) -> int:
        unit = self.units[i].trimmed() if short else self.units[i]
        return unit.cost + (0 if unit.message in self.opened else self.config.label_tokens)

    def gain(self, i: int, short: bool = False) -> float:
        return _gain(self.units[i], self.keys, self.words, self.config, self.cost(i, short))

    def new_strong_facts(self, i: int, short: bool = False) -> list[tuple[str, str]]:
        """(key, kind) of the unit's values the summary lacks."""
        unit = self.units[i].trimmed() if short else self.units[i]
        return [(key, kind) for key, kind, words in unit.facts
                if kind not in ADVICE_KINDS and key not in self.keys and not (words and words <= self.words)]

    def new_strong_fact(self, i: int) -> bool:
        return bool(self.new_strong_facts(i))

    def line_order(self, i: int, families: set) -> tuple:
        """Which unit stands for its turn: one bringing a value of a kind (`families`: _family) the first turns
        gave (NUMERIC counts as one kind; a later email where they gave an email: maybe its update), then one
        written with digits ("198.51.100.12", not "the ISP swap"), then the most gain."""
        new = self.new_strong_facts(i, short=True)
        return (any(_family(kind) in families for _, kind in new), any(has_digits(key) for key, _ in new),
                self.gain(i, short=True), self.units[i].role == "user")

    def take(self, i: int, short: bool = False) -> None:
        unit = self.units[i].trimmed() if short else self.units[i]
        self.spent += self.cost(i, short)
        self.chosen[i] = unit
        self.opened.add(unit.message)
        for key, _, key_words in unit.facts:
            self.keys.add(key)
            self.words.update(key_words)


NUMERIC = frozenset({"date", "time", "amount", "quantity", "number", "version"})
"""Kinds of values written with numbers: one family when a turn's line looks for a value like the first turns' ("the
budget is $12,000", later "9,500 for the 3 teams")."""


def _family(kind: str) -> str:
    return "numeric" if kind in NUMERIC else kind


def select(units: list[Unit], budget: int, config: SelectionConfig) -> Selection:
    """The units to keep: first what must stay (see Selection.mandatory), then a lazy greedy on gain.

    Must stay, past the budget if need be: the user's words of the first `protect_turns` turns (but
    a question carrying no fact: the answer to it is what counts); the
    assistant's units there that bring a fact those words lack; then for every turn still without a
    unit, its best one as a short line, so every summarized turn is represented (past
    `config.line_turns` turns, only those bringing a value the summary lacks).
    """
    pick = _Picker(units, config)
    early = [i for i, u in enumerate(units) if u.turn <= config.protect_turns]
    for i in early:
        # A previous summary (role system) is kept like the user's words: it holds what is left of its turns.
        if units[i].role != "assistant" and _must_keep_user_unit(units[i], config):
            pick.take(i)
    asked_turns = _asked_turns(units, early, config.answers_share_words)
    for i in early:
        if units[i].role == "assistant" and pick.new_strong_fact(i) and (
                not config.facts_only_when_asked or _answers_the_user(units[i], asked_turns)):
            pick.take(i)
    for sentence in _answers(units, early, config.answer_min_shared, config.any_question):
        for i in early:
            if units[i].sentence == sentence and i not in pick.chosen:
                pick.take(i)
    _take_corrections(pick)
    every_turn = len({u.turn for u in units}) <= config.line_turns
    families = {_family(kind) for i in early if i in pick.chosen for _, kind, _ in units[i].facts
                if kind not in ADVICE_KINDS}
    for turn in sorted({u.turn for u in units} - {u.turn for u in pick.chosen.values()}):
        candidates = [i for i, u in enumerate(units) if u.turn == turn]
        bringing = [i for i in candidates if pick.new_strong_fact(i)]
        if bringing or not every_turn:
            candidates = bringing
        if candidates:
            pick.take(max(candidates, key=lambda i: pick.line_order(i, families)), short=True)
    mandatory = len(pick.chosen)
    _fill(pick, budget)
    return Selection(list(pick.chosen.values()), mandatory)


def _take_corrections(pick: _Picker) -> None:
    """Every sentence correcting a kept value (persona.compression.corrections), whole, its last unit marked."""
    for sentence, correction in find_corrections(pick.units, set(pick.chosen)).items():
        members = [i for i, u in enumerate(pick.units) if u.sentence == sentence]
        for i in members:
            if i not in pick.chosen:
                pick.take(i)
        pick.chosen[members[-1]] = replace(pick.chosen[members[-1]], corrects=correction.turn, was=correction.old)


def _answers_the_user(unit: Unit, asked_turns: dict) -> bool:
    """An assistant unit of a turn where the user asked, sharing a word with what was asked when that counts."""
    if unit.turn not in asked_turns:
        return False
    words = asked_turns[unit.turn]
    return words is None or bool(words & content_words(unit.text))


REQUEST_START = re.compile(
    r"(?:please\s+)?(?:suggest|propose|pick|find|tell|give|estimate|name|choose|recommend|book|set|plan|draft|"
    r"write|send|check|list|decide|select|reserve|schedule|quote|work out|figure out|come up)\b|"
    r"(?:i|we)\s+need\s+(?:you|a|an|some)\b|let me know\b", re.I)
"""A user sentence asking the assistant for something without a question mark ("Propose a cutoff.")."""
ACCEPT = re.compile(r"(?:ok(?:ay)?|sounds good|perfect|great|deal|fine|agreed|yes|yep|sure|lovely|works|"
                    r"that works|let's do (?:it|that)|go (?:with|for) (?:it|that)|book it|lock it in)\b", re.I)
"""A user message opening by accepting what was proposed ("Perfect, go with that.")."""


def _asked_turns(units: list[Unit], early: list[int], all_share: bool = False) -> dict[int, frozenset | None]:
    """Turns among `early` whose assistant reply answers the user: the user asked ("?"), requested
    ("Propose a date for the retro.") or the next user message accepts the reply ("Deal."). Turn ->
    the words an answering unit must share one of with the user's message (None: any unit answers,
    after a "?" unless `all_share`)."""
    said: dict[int, set] = {}
    for unit in units:
        if unit.role == "user":
            said.setdefault(unit.turn, set()).update(content_words(unit.text) - QUESTION_FILLERS)
    asked: dict[int, frozenset | None] = {}
    for i in early:
        unit = units[i]
        if unit.role == "user" and unit.text.rstrip().endswith("?") and not all_share:
            asked[unit.turn] = None
        elif unit.role == "user" and (unit.text.rstrip().endswith("?") or REQUEST_START.match(unit.text.strip())):
            asked.setdefault(unit.turn, frozenset(said[unit.turn]))
    openers = {}
    for unit in units:
        if unit.role == "user":
            openers.setdefault(unit.turn, unit.text.strip())
    for i in early:
        if ACCEPT.match(openers.get(units[i].turn + 1, "")):
            asked.setdefault(units[i].turn, frozenset(said.get(units[i].turn, ())))
    return asked


COPULA = re.compile(r"\b(?:is|are|was|were)\b", re.I)


QUESTION_START = re.compile(r"(?:what|who|whom|which|where|when|why|how|can|could|would|should|will|do|does|did|"
                            r"is|are|was|were|any|anything|shall|may)\b", re.I)


def is_question(text: str) -> bool:
    """A unit that only asks ("Can you help me plan it?"), not one that states and then asks
    ("greta abbott Where would you start?", "The vpn box chokes on umlauts. does that sound sane?")."""
    text = text.strip().lstrip("-*•> ")
    return text.endswith("?") and not re.search(r"[.!;:]\s", text) and bool(QUESTION_START.match(text))


def _must_keep_user_unit(unit: Unit, config: SelectionConfig) -> bool:
    """A user unit of the protected turns that stays whatever the budget."""
    if is_question(unit.text) and not unit.facts:
        return False  # a question carrying no fact: the answer to it is what counts
    if unit.facts or config.keep_factless_user:
        return True
    return config.keep_copula and bool(COPULA.search(unit.text))


WH_QUESTION = re.compile(r"\b(?:who|what|which|where|when|how (?:much|many|fast|long|big|often))\b[^.!?]*\?$", re.I)
"""A question asking for a value (a name, a place, a number), not for help or a yes or no."""


REQUEST = re.compile(r"(?:[^.!?]*[.!]\s+)?(?:can|could|would|will)\s+you\s+(?:please\s+)?(?:help|draft|write|make|"
                     r"suggest|give|put|walk|go)\b|[^?]*\bhelp me\b", re.I)
"""A request for help or a draft ("Can you help me plan the cutover?"): its reply is advice, not a value."""


QUESTION_FILLERS = frozenset("any anything anyone anybody some something someone thought thoughts think idea "
                             "ideas after before about there here your yours their them it's is are was were be "
                             "been will would might may must need ought get got".split())
"""Words a question carries whatever it asks ("Any thoughts on who should look after the cutover?"):
sharing one of them says nothing about being its answer ("Happy to dig into any of this")."""
MAX_TIED_ANSWERS = 3
"""At most this many sentences kept as one question's answer when they share as many of its words."""
ANSWER_SLACK = 1
"""A sentence sharing one word fewer than the best (which shares two or more) is kept as a possible answer too: "how
would you name the switch for the ablation table?" shares "table", "ablation" with the advice "Tables read faster
than prose for ablations" and only "name" with the answer "Retry-sync would be my name for it". On the tuning halves
it cut 0.0-0.5 points less for no fact (all were kept); a fresh prose draw had lost that answer (docs/benchmarks.md)."""


def _answers(units: list[Unit], early: list[int], min_shared: int = 2, any_question: bool = False) -> list[int]:
    """Per user question among `early`, the assistant sentence of its turn that shares the most words
    with it (at least `min_shared`; for a who/what/which question also half of its words, unless
    `any_question`): "Where should we hold the dinner?" is answered by "Lyon would suit the dinner
    well", whatever marks the answer carries. Sentences sharing as many words (or one fewer, ANSWER_SLACK)
    are all kept, up to `MAX_TIED_ANSWERS` (the most words first, then those carrying a fact span, then the
    earliest): which of them answers is not known, and keeping only the first would let generic advice stand
    in for the answer ("Rehearse the cutover" for "I'd look at ljubljana for the cutover"). Returns sentence
    indexes (Unit.sentence)."""
    found = []
    for q in (i for i in early if units[i].role == "user" and (units[i].text.rstrip().endswith("?")
                                                              or REQUEST_START.match(units[i].text.strip()))):
        if not (any_question or WH_QUESTION.search(units[q].text)) or REQUEST.match(units[q].text.strip()):
            continue
        asked = content_words(units[q].text) - QUESTION_FILLERS
        shared: dict[int, set] = {}
        carries: dict[int, bool] = {}
        for i in early:
            if units[i].role == "assistant" and units[i].turn == units[q].turn:
                shared.setdefault(units[i].sentence, set()).update(asked & content_words(units[i].text))
                carries[units[i].sentence] = carries.get(units[i].sentence, False) or bool(units[i].facts)
        if not shared:
            continue
        most = max(len(words) for words in shared.values())
        needed = min_shared if any_question else max(min_shared, len(asked) / 2)
        if most >= needed:
            least = max(1, most - ANSWER_SLACK) if most >= 2 else most
            tied = sorted((s for s in shared if len(shared[s]) >= least),
                          key=lambda s: (-len(shared[s]), not carries[s], s))
            found += tied[:MAX_TIED_ANSWERS]
    return found


def _fill(pick: _Picker, budget: int) -> None:
    """Lazy greedy: gains mostly fall as facts get covered, so a stale heap entry is re-scored and
    pushed back instead of re-scoring every unit at every step."""
    heap = [(-pick.gain(i), i) for i in range(len(pick.units)) if i not in pick.chosen]
    heapq.heapify(heap)
    while heap:
        _, i = heapq.heappop(heap)
        if pick.spent + pick.cost(i) > budget:
            continue
        gain = pick.gain(i)
        if gain <= 0:
            continue
        if heap and gain < -heap[0][0] - 1e-12:
            heapq.heappush(heap, (-gain, i))
            continue
        pick.take(i)
