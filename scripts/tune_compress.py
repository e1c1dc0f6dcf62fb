"""Grid search of the selection settings (persona.compression.extractive.SelectionConfig) on the tuning half only.

    python scripts/tune_compress.py

Two steps on the generated tuning half (persona/evalsets/generated.py): the selection settings, best first
by (distractor substitutions, planted facts lost) at budget ratio 0.25; then, with the best of them,
the budget ratio and floor, with the facts kept and the mean per-conversation token cut on the
short conversations (at most 12 history messages, like the hand-written fixtures), whose cut is
the hardest to reach. The test half and the hand-written fixtures
are never read here, so the figures reported on them stay honest. Units (sentences, clauses) are
split and counted once per conversation; only the selection runs per setting.
"""
from __future__ import annotations

import itertools
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GRID = {"turn_decay": (0.6, 0.8), "assistant_weight": (0.4, 0.8),
        "context_weight": (0.4, 0.8, 1.2), "length_power": (0.5, 0.75)}
"""Settings tried; every combination is run."""
RATIO = 0.25
BUDGETS = {"ratio": (0.2, 0.25, 0.3, 0.35), "floor": (48, 64, 80, 96)}
"""Budget ratios and floors tried in the second step."""
SHORT = 12
"""History messages of a 'short' conversation."""


CLAUSE_MIN_TOKENS = (0, 24, 40)
"""Ledger only: sentences longer than this are split into clauses."""


def prepare(conversations, tokenizer, clauses: bool, clause_min_tokens: int = 24, line_words: int = 12) -> list:
    from persona.compression.compress import count_tokens, split_for_compression, summary_budget
    from persona.compression.extractive import units_of
    from persona.messages import PREFIX

    cases = []
    for c in conversations:
        head, old, kept = split_for_compression(c.full, 1)
        frame = count_tokens([{"role": "system", "content": PREFIX}, *kept], tokenizer)
        cases.append((c, units_of(old, tokenizer, clauses, clause_min_tokens, line_words), "\n".join(m["content"] for m in kept),
                      count_tokens(old, tokenizer), frame, count_tokens(c.full, tokenizer)))
    return cases


def score(cases, config, render, tokenizer, ratio=RATIO, floor=64) -> tuple[int, int, float, float]:
    """(substitutions, facts lost, pooled cut, mean cut) of one setting, the summary's tokens counted."""
    from persona.compression.compress import summary_budget
    from persona.compression.evaluation import value_in_context
    from persona.compression.extractive import select

    subst = lost = 0
    original = compressed = 0
    cuts = []
    for c, units, kept_text, old_tokens, frame, total in cases:
        budget = summary_budget(old_tokens, ratio, floor)
        summary = render(sorted(select(units, budget, config).units, key=lambda u: u.order))
        text = summary + "\n" + kept_text
        gone = {f["key"] for f in c.facts if not value_in_context(f["value"], text)}
        lost += len(gone)
        subst += len({d["confuses"] for d in c.distractors if d["confuses"] in gone and value_in_context(d["value"], text)})
        used = frame + len(tokenizer(summary, add_special_tokens=False)["input_ids"])
        original, compressed = original + total, compressed + used
        cuts.append(1 - used / total)
    return subst, lost, 1 - compressed / original, sum(cuts) / len(cuts)


def main() -> int:
    from persona.evalsets.generated import tuning_set
    from persona.compression.extractive import SelectionConfig, render_ledger, render_sentences
    from persona.tokenizer import qwen3_tokenizer

    tokenizer = qwen3_tokenizer()
    conversations = tuning_set()
    facts = sum(len(c.facts) for c in conversations)
    rows, prepared = [], {}
    for clauses, render, minimum in [(True, render_ledger, m) for m in CLAUSE_MIN_TOKENS] + [(False, render_sentences, 0)]:
        prepared[clauses, minimum] = prepare(conversations, tokenizer, clauses, minimum)
        for values in itertools.product(*GRID.values()):
            config = replace(SelectionConfig(clauses=clauses, clause_min_tokens=minimum), **dict(zip(GRID, values)))
            subst, lost, cut, _ = score(prepared[clauses, minimum], config, render, tokenizer)
            rows.append((subst, lost, -cut, clauses, values + (minimum,)))
    print(f"{len(conversations)} tuning conversations, {facts} planted facts, budget ratio {RATIO}")
    names = [*GRID, "clause_min_tokens"]
    for subst, lost, cut, clauses, values in sorted(rows)[:12]:
        print(f"{'ledger' if clauses else 'extractive':10s} {dict(zip(names, values))} lost {lost} subst {subst} "
              f"cut {-cut:.1%}")
    for clauses, render in ((True, render_ledger), (False, render_sentences)):
        best = min(r for r in rows if r[3] == clauses)
        config = replace(SelectionConfig(clauses=clauses), **dict(zip(names, best[4])))
        short = [case for case in prepare(conversations, tokenizer, clauses, config.clause_min_tokens)
                 if len(case[0].messages) <= SHORT]
        print(f"{'ledger' if clauses else 'extractive'} {dict(zip(names, best[4]))}: budgets on all / "
              f"{len(short)} short conversations")
        for ratio, floor in itertools.product(*BUDGETS.values()):
            subst, lost, cut, _ = score(prepared[clauses, config.clause_min_tokens], config, render, tokenizer,
                                        ratio, floor)
            s_subst, s_lost, s_cut, s_mean = score(short, config, render, tokenizer, ratio, floor)
            print(f"  ratio {ratio} floor {floor:3d}: all lost {lost} subst {subst} cut {cut:.1%} | short lost "
                  f"{s_lost} subst {s_subst} cut {s_cut:.1%} mean {s_mean:.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
