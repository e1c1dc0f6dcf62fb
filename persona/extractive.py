"""Model-free summarizers: pick the sentences or clauses that carry facts, earliest turns first.

Two strategies share one selection:

- `extractive`: whole sentences, in order, under their speaker ("user: … assistant: …").
- `ledger`: clauses, one line per turn and speaker ("t1 user: …"), so each fact keeps the turn
  it came from; a later value of the same kind sits on its own line beside the earlier one.

Selection is a lazy greedy cover within a token budget (see `select`). A unit's gain is the weight
of the fact spans (persona.facts) it brings that nothing kept so far carries, times an earliness
prior (the first turns state what a conversation is about, and a later look-alike must never push
out the original), divided by a power of its token cost. The user's words in the first two turns
are kept whole before anything else (`protect_turns`), past the budget if need be: they say what
the conversation is about, and a fact there may carry no mark a pattern could find ("we went with
oat milk"). Exact surface text is kept: a fact is never rewritten. Leftover budget then goes to
turns that have no line yet, so every compressed turn is represented when the budget allows it.

    from persona.extractive import ledger_summarizer
    summary = ledger_summarizer(tok)(old_messages, budget_tokens=120)
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass, field

from persona.compress import PREFIX, strip_think
from persona.facts import find_facts, mid_sentence_names, split_clauses, split_sentences

KIND_WEIGHTS = {"decision": 1.0, "compound": 0.3, "number": 0.8, "identifier": 1.0, "name": 1.0, "opener": 0.5}
"""Weight of a new fact span by kind; kinds not listed weigh 1.2 (dates, amounts, versions...)."""
DEFAULT_KIND_WEIGHT = 1.2


@dataclass(frozen=True)
class Unit:
    text: str
    """A sentence or clause, exactly as written."""
    role: str
    """Speaker of the message it came from."""
    message: int
    """Index of that message among the summarized ones."""
    turn: int
    """1-based user/assistant exchange the message belongs to."""
    order: int
    """Position among all units, so neighbours can be joined back without a gap mark."""
    facts: tuple
    """(key, kind, words) per fact span, keys lowercased."""
    cost: int
    """Tokens of the text plus one for the separator."""


@dataclass
class SelectionConfig:
    clauses: bool = False
    """Select clauses (ledger) instead of whole sentences (extractive)."""
    clause_min_tokens: int = 0
    """Only sentences longer than this many tokens are split into clauses (the tuning chose 0: all)."""
    turn_decay: float = 0.6
    """Gain multiplier per later turn: turn t weighs turn_decay ** (t - 1)."""
    assistant_weight: float = 0.4
    """Facts first said by the assistant weigh this much of the user's."""
    context_weight: float = 0.1
    """Gain of a user unit without new facts: what the user said is context even without a fact."""
    length_power: float = 0.5
    """Gain is divided by cost ** length_power: 1 favors short units, 0 ignores length."""
    default_fraction: float = 0.3
    """Budget as a share of the summarized tokens when the caller gives none."""
    min_tokens: int = 48
    """Floor of that default budget."""
    header: str = ""
    """First line of the summary, counted in the budget."""
    label_tokens: int = 4
    """Tokens a unit costs on top of its text when it opens a new line ("t12 assistant: ")."""
    protect_turns: int = 0
    """The user's words in this many first turns are kept whole, past the budget if need be: they
    say what the conversation is about, and a fact there may carry no mark a pattern could find."""
    kind_weights: dict = field(default_factory=lambda: dict(KIND_WEIGHTS))
    """Weight of a new fact span by kind."""


def units_of(messages: list[dict], tokenizer, clauses: bool, clause_min_tokens: int = 0) -> list[Unit]:
    """Sentences (or clauses) of the messages with their fact spans and token costs.

    Facts are found in whole sentences, then given to the clause they start in, so a name opening
    a clause ("…, Windhoek, …") is still read mid-sentence.
    """
    sentences, turn = [], 0
    for index, message in enumerate(messages):
        content = strip_think(message["content"])
        if message["role"] == "system" and content.startswith(PREFIX):
            content = content[len(PREFIX):]
        turn += message["role"] == "user" or turn == 0
        sentences += [(text, message["role"], index, turn) for text in split_sentences(content)]
    known = mid_sentence_names([s[0] for s in sentences])
    units = []
    for text, role, index, turn in sentences:
        facts = find_facts(text, known)
        long = clauses and len(tokenizer(text, add_special_tokens=False)["input_ids"]) > clause_min_tokens
        parts = split_clauses(text) if long else [(0, text)]
        for k, (start, part) in enumerate(parts):
            end = parts[k + 1][0] if k + 1 < len(parts) else len(text) + 1
            # A decision's words must not mark the names and numbers inside it as already kept.
            mine = tuple((f.key, f.kind, frozenset() if f.kind == "decision" else frozenset(f.key.split()))
                         for f in facts if start <= f.start < end)
            cost = len(tokenizer(part, add_special_tokens=False)["input_ids"]) + 1
            units.append(Unit(part, role, index, turn, len(units), mine, cost))
    return units


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


def select(units: list[Unit], budget: int, config: SelectionConfig) -> list[int]:
    """Indices of the units to keep, in the order chosen: lazy greedy on gain, then one unit per bare turn.

    A unit opening a new line pays `label_tokens` more. Gains mostly fall as facts get covered, so
    a stale heap entry is re-scored and pushed back instead of re-scoring every unit at every step.
    """
    keys, words, chosen, opened, spent = set(), set(), [], set(), 0

    def cost(i: int) -> int:
        return units[i].cost + (0 if units[i].message in opened else config.label_tokens)

    def take(i: int) -> None:
        nonlocal spent
        chosen.append(i)
        spent += cost(i)
        opened.add(units[i].message)
        for key, _, key_words in units[i].facts:
            keys.add(key)
            words.update(key_words)

    for i, unit in enumerate(units):
        if unit.role == "user" and unit.turn <= config.protect_turns:
            take(i)
    heap = [(-_gain(u, keys, words, config, cost(i)), i) for i, u in enumerate(units) if i not in chosen]
    heapq.heapify(heap)
    while heap:
        _, i = heapq.heappop(heap)
        if spent + cost(i) > budget:
            continue
        gain = _gain(units[i], keys, words, config, cost(i))
        if gain <= 0:
            continue
        if heap and gain < -heap[0][0] - 1e-12:
            heapq.heappush(heap, (-gain, i))
            continue
        take(i)
    for turn in sorted({u.turn for u in units} - {units[i].turn for i in chosen}):
        candidates = [i for i, u in enumerate(units) if u.turn == turn and spent + cost(i) <= budget]
        if candidates:
            take(max(candidates, key=lambda i: (len(units[i].facts), -units[i].cost)))
    return chosen


def render_sentences(units: list[Unit]) -> str:
    """'user: s1 s2\\nassistant: s3': one speaker label per run of units from one message."""
    parts, last_message = [], None
    for unit in units:
        if unit.message != last_message:
            parts.append(f"{unit.role}: ")
            last_message = unit.message
        parts[-1] += unit.text + " "
    return "\n".join(p.strip() for p in parts)


def render_ledger(units: list[Unit]) -> str:
    """'t1 user: clause clause … clause': one line per message, '…' where text was left out."""
    lines, last = [], None
    for unit in units:
        if last is None or unit.message != last.message:
            lines.append(f"t{unit.turn} {unit.role}: {unit.text}")
        else:
            lines[-1] += (" " if unit.order == last.order + 1 else " … ") + unit.text
        last = unit
    return "\n".join(lines)


def _summarizer(tokenizer, config: SelectionConfig, render):
    def n_tokens(text: str) -> int:
        return len(tokenizer(text, add_special_tokens=False)["input_ids"])

    def summarize(old: list[dict], budget_tokens: int | None = None) -> str:
        units = units_of(old, tokenizer, config.clauses, config.clause_min_tokens)
        if budget_tokens is None:
            total = sum(u.cost for u in units)
            budget_tokens = max(config.min_tokens, int(config.default_fraction * total))
        budget = budget_tokens - (n_tokens(config.header) + 1 if config.header else 0)
        keep = select(units, budget, config)
        text = render([units[i] for i in sorted(keep)])
        protected = sum(units[i].role == "user" and units[i].turn <= config.protect_turns for i in keep)
        # Joiners and label estimates are not exact: drop the last-chosen units until it fits.
        while len(keep) > protected and n_tokens(text) > budget:
            keep = keep[:-1]
            text = render([units[i] for i in sorted(keep)])
        return f"{config.header}\n{text}" if config.header and text else text

    return summarize


# Chosen on the generated tuning half by scripts/tune_compress.py (docs/benchmarks.md).
LEDGER = SelectionConfig(clauses=True, turn_decay=0.6, assistant_weight=0.4, context_weight=0.8, length_power=0.5,
                         protect_turns=2)
"""Settings of the ledger strategy."""
EXTRACTIVE = SelectionConfig(turn_decay=0.8, assistant_weight=0.4, context_weight=1.2, length_power=0.5,
                             protect_turns=2)
"""Settings of the extractive strategy."""


def extractive_summarizer(tokenizer, config: SelectionConfig | None = None):
    """Whole fact-carrying sentences, in order, each run labelled with its speaker."""
    return _summarizer(tokenizer, config or EXTRACTIVE, render_sentences)


def ledger_summarizer(tokenizer, config: SelectionConfig | None = None):
    """Fact-carrying clauses, one line per turn and speaker ('t1 user: …')."""
    return _summarizer(tokenizer, config or LEDGER, render_ledger)
