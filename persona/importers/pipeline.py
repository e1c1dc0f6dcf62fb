"""Export -> scrubbed, paired, categorized training records, with a summary of what happened.

    result = import_export("slack", Path("export.zip"), me="ada@example.org")
    result.records   # dicts in the persona.data schema
    result.summary   # pairs kept, dropped by reason, redactions by kind

Scrubbing happens on every message before pairing, so nothing unscrubbed reaches a record.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .categorize import infer_context, propose
from .files import check_input
from .messages import INTERNAL, KEPT, Export, ImportFailed, Message, resolve_me
from .pairing import Pair, PairingRules, pair_messages
from .scrub import make_scrubber, scrub
from .source import Source
from .sources import find_source, source_names

MAX_RECORD_CHARS = 8000
"""Records stay under this many characters of JSON (long turns are cut at sentence ends)."""
USER_CHARS, ASSISTANT_CHARS, REASONING_CHARS = 2500, 3500, 1500
"""Per-field budgets; together with JSON overhead they stay under MAX_RECORD_CHARS."""


@dataclass
class ImportSummary:
    """What an import did, for the report printed at the end."""

    source: str
    """Source name written to metadata.source."""
    messages_read: int = 0
    """Messages in the export (all authors, all kinds)."""
    my_messages: int = 0
    """Messages by --me that could be used."""
    pairs_kept: int = 0
    """Records written."""
    dropped: Counter = field(default_factory=Counter)
    """Messages dropped by reason: bot, system, empty, attachment_only, internal, no_context."""
    redactions: Counter = field(default_factory=Counter)
    """Secrets and PII replaced by placeholders, by kind."""
    categories: Counter = field(default_factory=Counter)
    """Proposed categories of the records."""
    skipped: list[str] = field(default_factory=list)
    """Files of the export left out, each 'path: why'."""


@dataclass
class ImportResult:
    """Records ready to write as JSONL, and the summary."""

    records: list[dict]
    """One dict per training pair, in the persona.data schema."""
    summary: ImportSummary
    """Counts for the report."""


def truncate(text: str, limit: int, keep_end: bool = False) -> str:
    """Cut to `limit` characters at a sentence or line end; `keep_end` keeps the last part."""
    if len(text) <= limit:
        return text
    cut = text[-limit:] if keep_end else text[:limit]
    marks = [cut.find(sep) for sep in ("\n", ". ")] if keep_end else [cut.rfind(sep) for sep in ("\n", ". ")]
    found = [m for m in marks if m > 0 and (m < limit // 2 if keep_end else m > limit // 2)]
    if not found:
        return ("…" + cut[1:]) if keep_end else (cut[:-1] + "…")
    if keep_end:
        return "…" + cut[min(found) + 1:].lstrip()
    return cut[:max(found) + 1].rstrip() + " …"


def build_record(pair: Pair, source: str) -> dict:
    """A persona.data record with the proposed category and inferred context, under MAX_RECORD_CHARS."""
    scale = 1.0
    while True:
        record = _record(pair, source, scale)
        # JSON escapes (newlines, quotes) can push a record past the budget; shrink and retry.
        if len(json.dumps(record, ensure_ascii=False)) <= MAX_RECORD_CHARS:
            return record
        scale *= 0.8


_THINK_TAG = re.compile(r"<(/?)think>", re.I)


def defuse_think_tags(text: str) -> str:
    """'<think>' typed in a chat is text, not the model's reasoning markup: '‹think›' keeps it readable
    without the chat template or `data check` taking it for a reasoning block."""
    return _THINK_TAG.sub(lambda m: f"‹{m.group(1)}think›", text)


def _record(pair: Pair, source: str, scale: float) -> dict:
    proposal = propose(truncate(pair.assistant, int((ASSISTANT_CHARS + REASONING_CHARS) * scale)))
    answer = {"role": "assistant", "content": truncate(proposal.content, int(ASSISTANT_CHARS * scale))}
    if proposal.reasoning:
        answer["reasoning_content"] = truncate(proposal.reasoning, int(REASONING_CHARS * scale))
    user = truncate(pair.user, int(USER_CHARS * scale), keep_end=True)
    return {
        "messages": [{"role": "user", "content": user}, answer],
        "metadata": {
            "category": proposal.category,
            "category_status": "proposed",
            "source": source,
            "context": infer_context(f"{user}\n{pair.assistant}", pair.hint, source),
        },
    }


def _read(name: str, path: Path, me: str) -> tuple[Source, Export]:
    source = find_source(name)
    if source is None:
        raise ImportFailed(path, f"unknown source {name!r}; use one of {', '.join(source_names())}")
    check_input(path)
    return source, source.read(path, me) if source.authorless else source.read(path)


CANDIDATES_SHOWN = 8
"""An unknown --me is answered with at most this many authors, the most active first."""


def _check_me(export: Export, me_ids: set[str], me: str, path: Path) -> None:
    mine = sum(1 for m in export.messages if m.author_id in me_ids and m.kind == KEPT)
    if mine:
        return
    authors = Counter(m.author_id for m in export.messages if m.kind in (KEPT, INTERNAL) and not m.generated)
    shown = [f"{_shown_name(export, a)} {n} message{'s' * (n != 1)}" for a, n in authors.most_common(CANDIDATES_SHOWN)]
    more = f", and {len(authors) - len(shown)} more" if len(authors) > len(shown) else ""
    candidates = f"(most active authors: {', '.join(shown) or 'none'}{more})"
    if not me_ids:
        raise ImportFailed(path, f"--me {me!r} matches no author in this export {candidates}")
    internal = sum(1 for m in export.messages if m.author_id in me_ids and m.kind == INTERNAL)
    notes = f"{internal} internal note{'s' * (internal != 1)}"
    hint = f"; {notes} left out unless you pass --include-internal" if internal else ""
    raise ImportFailed(path, f"--me {me!r} has no usable messages in this export{hint} {candidates}")


def _shown_name(export: Export, author_id: str) -> str:
    """'Ada Quill [5b10ac8d]': the name --me may take, and the id when the name is not the id."""
    name = export.names.get(author_id, "")
    return f"{name} [{author_id}]" if name and name != author_id else author_id


THREAD_LOOKBACK = 3
"""Messages back in a conversation where a question about a password still counts as asked."""


def questions_answered(messages: list[Message]) -> dict[int, str]:
    """id(message) -> text of what it may answer: the message it replies to, and the last
    THREAD_LOOKBACK messages of its conversation by someone else. Lets the scrubber see "what's the
    wifi password?" before a bare "bluegoat77", also with "one sec" or a second question between."""
    by_id = {m.message_id: m for m in messages if m.message_id}
    recent: dict[str, list[Message]] = {}
    asked = {}
    for message in sorted(messages, key=lambda m: m.timestamp_s):
        if message.kind != KEPT:
            continue
        window = recent.setdefault(message.conversation, [])
        target = by_id.get(message.reply_to) if message.reply_to else None
        before = ([target] if target is not None else []) + window[-THREAD_LOOKBACK:]
        texts = [m.text for m in before if m.author_id != message.author_id]
        if texts:
            asked[id(message)] = "\n".join(dict.fromkeys(texts))
        window.append(message)
        del window[:-THREAD_LOOKBACK]
    return asked


def import_export(source: str, path: Path, me: str, rules: PairingRules | None = None,
                  progress: Callable[[int, int], None] | None = None, region: str | None = None,
                  keep_private_ips: bool = False, include_internal: bool = False) -> ImportResult:
    """Read, scrub, pair and categorize one export; ImportFailed if it cannot be imported.

    `source` is a name or alias of a registered source (`sources.source_names()`); `rules` replaces
    its pairing rules. `region` reads phone numbers without a country code (None: the locale's region);
    `keep_private_ips` keeps private addresses (10.x, 192.168.x); by default every address goes.
    `include_internal` pairs internal notes (messages a reader marked INTERNAL) like any other; by default
    they are dropped.
    """
    path = Path(path)
    importer, export = _read(source, path, me)
    if include_internal:
        for message in export.messages:
            if message.kind == INTERNAL:
                message.kind = KEPT
    me_ids = {me} if importer.authorless else resolve_me(export, me)
    _check_me(export, me_ids, me, path)
    summary = ImportSummary(importer.name, messages_read=sum(not m.generated for m in export.messages),
                            skipped=list(export.skipped))
    scrubber = make_scrubber(region, keep_private_ips)
    total = len(export.messages)
    asked = questions_answered(export.messages)
    for n, message in enumerate(export.messages, start=1):
        if message.kind == KEPT:
            scrubbed = scrub(message.text, scrubber, asked.get(id(message), ""))
            message.text = scrubbed.text
            summary.redactions.update(scrubbed.counts)
            summary.my_messages += message.author_id in me_ids
        if progress and (n % 500 == 0 or n == total):
            progress(n, total)
    pairing = pair_messages(export.messages, me_ids, rules or importer.rules)
    records = [build_record(Pair(defuse_think_tags(p.user), defuse_think_tags(p.assistant), p.hint), importer.name)
               for p in pairing.pairs]
    if not records:
        internal = pairing.dropped[INTERNAL]
        hint = f" ({internal} internal note{'s' * (internal != 1)} left out: --include-internal adds them)" \
            if internal else ""
        raise ImportFailed(path, f"no training pairs: none of the {summary.my_messages} messages by {me!r} "
                                 f"answers someone else within the time window{hint}")
    summary.dropped = pairing.dropped
    summary.pairs_kept = len(records)
    summary.categories = Counter(r["metadata"]["category"] for r in records)
    return ImportResult(records, summary)


def format_summary(summary: ImportSummary) -> str:
    """The report printed after an import."""
    def counts(counter: Counter) -> str:
        return ", ".join(f"{k} {v}" for k, v in sorted(counter.items(), key=lambda kv: -kv[1])) or "none"
    return "\n".join([
        f"source: {summary.source}",
        f"messages read: {summary.messages_read} (yours: {summary.my_messages})",
        f"pairs kept: {summary.pairs_kept} (proposed: {counts(summary.categories)}; review before training)",
        f"dropped: {counts(summary.dropped)}",
        f"redactions: {counts(summary.redactions)}",
        *(f"skipped: {line}" for line in summary.skipped),
    ])
