"""Turn a message stream into (someone else's words -> my answer) pairs.

The rule, per conversation in time order:
1. Messages that are not KEPT (bots, joins, empty, attachment-only) leave the stream.
2. Consecutive messages by one author, each within `merge_gap_s` of the previous, are one turn.
3. A turn by me answers the message it explicitly replies to when that is someone else's
   (Discord reply, In-Reply-To, review thread), else the turns by others right before it,
   back to my previous turn, at most `max_context_turns` of them, the latest ending within
   `reply_window_s` before my turn starts.
4. A turn by me with nothing to answer is dropped as 'no_context'.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .messages import KEPT, Message


@dataclass(frozen=True)
class PairingRules:
    """Time windows of the pairing rule."""

    merge_gap_s: float = 300.0
    """Messages by one author this close together merge into one turn."""
    reply_window_s: float = 6 * 3600.0
    """My turn pairs with others' words that ended at most this long before it."""
    max_context_turns: int = 3
    """At most this many turns by others make up the user side."""


@dataclass
class Turn:
    """Consecutive messages of one author in one conversation."""

    author_id: str
    """Who wrote them."""
    messages: list[Message]
    """The merged messages, in time order."""

    @property
    def text(self) -> str:
        return "\n".join(m.text for m in self.messages)

    @property
    def start_s(self) -> float:
        return self.messages[0].timestamp_s

    @property
    def end_s(self) -> float:
        return self.messages[-1].timestamp_s


@dataclass
class Pair:
    """One training pair before categorization."""

    user: str
    """What the others said."""
    assistant: str
    """What I answered."""
    hint: str = ""
    """Channel, subject or title of the conversation."""


@dataclass
class Pairing:
    """Pairs and the messages dropped on the way, by reason."""

    pairs: list[Pair] = field(default_factory=list)
    """Pairs in conversation, then time order."""
    dropped: Counter = field(default_factory=Counter)
    """Dropped messages by reason (bot, system, empty, attachment_only, no_context)."""


def turns_of(messages: list[Message], merge_gap_s: float) -> list[Turn]:
    """Merge consecutive messages of one author (messages of one conversation, time order)."""
    turns: list[Turn] = []
    for message in messages:
        last = turns[-1] if turns else None
        if last and last.author_id == message.author_id and message.timestamp_s - last.end_s <= merge_gap_s:
            last.messages.append(message)
        else:
            turns.append(Turn(message.author_id, [message]))
    return turns


def _context(turns: list[Turn], i: int, me: set[str], by_id: dict[str, Message], rules: PairingRules) -> str:
    mine = turns[i]
    replied = by_id.get(mine.messages[0].reply_to)
    if replied is not None and replied.author_id not in me and replied.kind == KEPT:
        if 0 <= mine.start_s - replied.timestamp_s <= rules.reply_window_s:
            return replied.text
    context: list[Turn] = []
    for turn in reversed(turns[max(0, i - rules.max_context_turns):i]):
        if turn.author_id in me:
            break
        context.insert(0, turn)
    if not context or mine.start_s - context[-1].end_s > rules.reply_window_s:
        return ""
    return "\n\n".join(turn.text for turn in context)


def pair_messages(messages: list[Message], me: set[str], rules: PairingRules) -> Pairing:
    """Pairs of every conversation, by the rule in this module's docstring."""
    result = Pairing()
    streams: dict[str, list[Message]] = {}
    for message in messages:
        if message.kind != KEPT:
            result.dropped[message.kind] += 1
        else:
            streams.setdefault(message.conversation, []).append(message)
    by_id = {m.message_id: m for m in messages if m.message_id}
    for stream in streams.values():
        stream.sort(key=lambda m: m.timestamp_s)
        turns = turns_of(stream, rules.merge_gap_s)
        for i, turn in enumerate(turns):
            if turn.author_id not in me:
                continue
            context = _context(turns, i, me, by_id, rules)
            if context:
                result.pairs.append(Pair(context, turn.text, turn.messages[0].hint))
            else:
                result.dropped["no_context"] += len(turn.messages)
    return result
