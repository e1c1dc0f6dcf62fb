"""Model-free summarizers: pick the sentences or clauses that carry facts, earliest turns first.

Two strategies share one selection:

- `extractive`: whole sentences, in order, under their speaker ("user: … assistant: …").
- `ledger`: clauses, one line per turn and speaker ("1: …", "1 assistant: …"), so each fact keeps
  the turn it came from; a later value of the same kind sits on its own line beside the earlier one.
  Its clauses keep their words: a telegraphic option (`telegraphic`, `squeeze`) drops pronouns, copulas
  and fillers around a marked fact, but a small model answers fewer questions from such lines (LEDGER).

The selection (persona.compression.selection) first keeps what must stay, past the budget if need be: the
user's words in the first two turns (`protect_turns`: they say what the conversation is about, and
a fact there may carry no mark a pattern could find, "we went with oat milk"), bare questions aside;
the assistant's sentence answering each of those questions, and its units that bring a new fact in a
turn where the user asked something; then one short line for every turn still without one, so every compressed
turn is represented: the unit bringing a value written with digits first, cut around the value the conversation
had not said before ("trimmed to $38,000", not "Q3"), then one with digits (a time, a host). The rest of the budget
goes to a lazy greedy cover of the fact spans (persona.compression.facts), earliest turns first, so a later look-alike
never pushes out the original. Exact surface text is kept: a fact is never rewritten; a short line is cut at word
boundaries and marked with '…'.

    from persona.compression.extractive import ledger_summarizer
    summary = ledger_summarizer(tok)(old_messages, budget_tokens=120)
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from persona.chat import strip_think
from persona.compression.corrections import marked
from persona.compression.facts import (fact_words, find_facts, has_digits, mid_sentence_names, split_clauses,
                                       split_sentences)
from persona.messages import PREFIX
from persona.values import contains_value
from persona.compression.lines import short_line, squeeze
from persona.compression.selection import KIND_WEIGHTS, WEAK_KINDS, select



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
    sentence: int
    """Index of the sentence the unit was cut from, among all sentences."""
    facts: tuple
    """(key, kind, words) per fact span, keys lowercased."""
    cost: int
    """Tokens of the text plus one for the separator."""
    short: str = ""
    """The text cut to a few words around its first fact ("… hit 5432 …"): a turn's line when
    nothing else of the turn is kept. Empty when the text is short already."""
    short_cost: int = 0
    """Tokens of `short` plus one."""
    corrects: int = 0
    """Turn whose value this unit's sentence corrects (persona.compression.corrections); 0 when it corrects none."""
    was: str = ""
    """The value it replaces, when the sentence does not name it; rendered after the text (", not 8443")."""

    def trimmed(self) -> "Unit":
        """The unit as its short line (itself when the text is short already), with only the facts the line holds."""
        held = tuple(f for f in self.facts if f[1] != "decision" and contains_value(self.short, f[0]))
        return replace(self, text=self.short, cost=self.short_cost, short="", short_cost=0, facts=held) if self.short else self


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
    label_tokens: int = 3
    """Tokens a unit costs on top of its text when it opens a new line ("3: ", "3 assistant: " one more)."""
    protect_turns: int = 0
    """The user's words in this many first turns are kept whole, past the budget if need be: they
    say what the conversation is about, and a fact there may carry no mark a pattern could find.
    The assistant's units there that bring a fact the user's words lack are kept too, as short lines."""
    keep_factless_user: bool = True
    """Keep the protected turns' user units that carry no fact span (else they compete in the fill)."""
    keep_copula: bool = False
    """Still keep those of them that state something ("the refresh token is null")."""
    facts_only_when_asked: bool = False
    """Keep an early assistant unit for its new facts only when the user asked something in that turn."""
    answers_share_words: bool = False
    """An early assistant unit kept for its new facts must share a word with the user's message, after a
    question too (after a request or an accepted reply it always must)."""
    answer_min_shared: int = 2
    """Content words an early assistant unit must share with a user question to count as its answer."""
    any_question: bool = False
    """Look for answers to every user question of the protected turns, not only to who/what/which ones."""
    telegraphic: bool = False
    """Leave function words out of kept text, fact spans aside (persona.compression.lines.squeeze)."""
    line_words: int = 6
    """Words of a short line (Unit.short): what a turn keeps at least. An early assistant fact
    keeps its whole unit: trimmed to this, it loses facts on the tuning half."""
    line_turns: int = 10**6
    """Every summarized turn keeps a short line while there are at most this many; past that, only the
    turns that bring a value the summary lacks (a long conversation's small talk has no line)."""
    kind_weights: dict = field(default_factory=lambda: dict(KIND_WEIGHTS))
    """Weight of a new fact span by kind."""


def units_of(messages: list[dict], tokenizer, clauses: bool, clause_min_tokens: int = 0,
             line_words: int = 12, telegraphic: bool = False) -> list[Unit]:
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
    units, seen = [], set()
    for number, (text, role, index, turn) in enumerate(sentences):
        facts = find_facts(text, known)
        long = clauses and len(tokenizer(text, add_special_tokens=False)["input_ids"]) > clause_min_tokens
        spans = [(f.start, f.start + len(f.text)) for f in facts if f.kind != "decision"]
        parts = split_clauses(text, spans) if long else [(0, text)]
        for k, (start, part) in enumerate(parts):
            end = parts[k + 1][0] if k + 1 < len(parts) else len(text) + 1
            # Only around a strong fact span: a text without one may be an unmarked fact, word for word.
            if telegraphic and any(start <= f.start < end and f.kind not in WEAK_KINDS | {"decision"} for f in facts):
                part = squeeze(part, [(f.start - start, f.start - start + len(f.text)) for f in facts
                                      if start <= f.start < end and f.kind != "decision"])
            # A decision's words must not mark the names and numbers inside it as already kept.
            mine = tuple((f.key, f.kind, frozenset() if f.kind == "decision" else fact_words(f.key))
                         for f in facts if start <= f.start < end)
            cost = len(tokenizer(part, add_special_tokens=False)["input_ids"]) + 1
            strong = [f for f in facts if start <= f.start < end and f.kind not in WEAK_KINDS]
            # A decision is its whole sentence: its cue anchors a line, and nothing more of it is kept whole.
            anchors = [(f.start - start, f.start - start + (0 if f.kind == "decision" else len(f.text)))
                       for f in sorted(strong, key=lambda f: (f.kind == "decision" or fact_words(f.key) <= seen,
                                                              f.kind == "decision" or not has_digits(f.text)))]
            anchor, anchor_end = anchors[0] if anchors else (0, 0)
            short = short_line(part, anchor, line_words, anchor_end)
            short_cost = len(tokenizer(short, add_special_tokens=False)["input_ids"]) + 1 if short else 0
            units.append(Unit(part, role, index, turn, len(units), number, mine, cost, short, short_cost))
        seen |= {w for f in facts if f.kind != "decision" for w in fact_words(f.key)}
    return units


def render_sentences(units: list[Unit]) -> str:
    """'user: s1 s2\\nassistant: s3': one speaker label per run of units from one message."""
    parts, last_message = [], None
    for unit in units:
        if unit.message != last_message:
            parts.append(f"{unit.role}: ")
            last_message = unit.message
        if unit.corrects and unit.corrects != unit.turn and "(correcting" not in parts[-1]:
            parts[-1] = parts[-1][:-2] + f" (correcting turn {unit.corrects}): "
        parts[-1] += marked(unit) + " "
    return "\n".join(p.strip() for p in parts)


def render_ledger(units: list[Unit]) -> str:
    """'1: clause clause … clause': one line per message, '…' where text was left out between two
    kept pieces. The user's lines carry the turn alone, the others their speaker too ('1 assistant: …');
    the number alone, not 't1', saves a token a line (Qwen3 reads 't', '1', ':').
    A line does not open or close on '…' (a short line's cut marks): each costs a token and says
    nothing the line's shortness does not (docs/benchmarks.md)."""
    lines, last = [], None
    for unit in units:
        text = marked(unit)
        if last is None or unit.message != last.message:
            speaker = "" if unit.role == "user" else f" {unit.role}"
            lines.append([f"{unit.turn}{speaker}", text])
        else:
            adjacent = unit.order == last.order + 1 or unit.text.startswith("…") or lines[-1][1].endswith("…")
            lines[-1][1] += (" " if adjacent else " … ") + text
        if unit.corrects and unit.corrects != unit.turn and " corrects " not in lines[-1][0]:
            lines[-1][0] += f" corrects {unit.corrects}"
        last = unit
    return "\n".join(f"{tag}: " + _without_edge_marks(text) for tag, text in lines)


def _without_edge_marks(text: str) -> str:
    """The text without a leading '… ' or a trailing ' …'; itself when nothing else is left."""
    bare = re.sub(r"\s+…$", "", re.sub(r"^…\s+", "", text))
    return bare or text


def _summarizer(tokenizer, config: SelectionConfig, render):
    def n_tokens(text: str) -> int:
        return len(tokenizer(text, add_special_tokens=False)["input_ids"])

    def summarize(old: list[dict], budget_tokens: int | None = None) -> str:
        units = units_of(old, tokenizer, config.clauses, config.clause_min_tokens, config.line_words,
                         config.telegraphic)
        if budget_tokens is None:
            total = sum(u.cost for u in units)
            budget_tokens = max(config.min_tokens, int(config.default_fraction * total))
        budget = budget_tokens - (n_tokens(config.header) + 1 if config.header else 0)
        chosen = select(units, budget, config)
        keep = chosen.units

        def draw(kept: list[Unit]) -> str:
            return render(sorted(kept, key=lambda u: u.order))

        text = draw(keep)
        # Joiners and label estimates are not exact: drop the last-chosen units until it fits.
        while len(keep) > chosen.mandatory and n_tokens(text) > budget:
            keep = keep[:-1]
            text = draw(keep)
        return f"{config.header}\n{text}" if config.header and text else text

    return summarize


# Weights chosen on the generated tuning half by scripts/tune_compress.py; the rules after protect_turns
# one at a time on both tuning halves and the fixtures (docs/benchmarks.md). Not telegraphic: dropping function
# words cut 0.3-0.8 points more, but the fine-tuned smollm2-135m then answered fewer questions from the summary
# (12 fixtures: 0.31 vs 0.40 answer recall, 0.44 uncompressed; 48 held-out test-half conversations: 0.17 vs
# 0.22), so the words stay (docs/benchmarks.md).
LEDGER = SelectionConfig(clauses=True, turn_decay=0.6, assistant_weight=0.4, context_weight=0.8, length_power=0.5,
                         protect_turns=2, line_words=4, telegraphic=False, facts_only_when_asked=True,
                         any_question=True, answer_min_shared=1, line_turns=12)
"""Settings of the ledger strategy."""
EXTRACTIVE = SelectionConfig(turn_decay=0.8, assistant_weight=0.4, context_weight=1.2, length_power=0.5,
                             protect_turns=2, facts_only_when_asked=True, any_question=True, answer_min_shared=1)
"""Settings of the extractive strategy."""


def extractive_summarizer(tokenizer, config: SelectionConfig | None = None):
    """Whole fact-carrying sentences, in order, each run labelled with its speaker."""
    return _summarizer(tokenizer, config or EXTRACTIVE, render_sentences)


def ledger_summarizer(tokenizer, config: SelectionConfig | None = None):
    """Fact-carrying clauses, one line per turn and speaker ('1: …', '1 assistant: …')."""
    return _summarizer(tokenizer, config or LEDGER, render_ledger)
