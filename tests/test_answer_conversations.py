"""The conversations the answer-level compression criteria ask about: the fixtures, then the updates test half,
less what the model cannot read whole."""
from __future__ import annotations

from persona.evalsets import updates
from persona.harness.compression import ANSWER_TOKENS, prompt_tokens, within_window


class WordTokenizer:
    """One token per whitespace-separated word."""

    def __call__(self, text, add_special_tokens=False):
        return {"input_ids": text.split()}


def test_a_conversation_past_the_window_is_left_out_and_every_other_kept():
    drawn = updates.test_set()[:12]
    sizes = sorted(prompt_tokens(WordTokenizer(), c.full) for c in drawn)
    window = sizes[len(sizes) // 2] + ANSWER_TOKENS  # the median conversation fits, with room for its answer
    kept = within_window(drawn, WordTokenizer(), window)
    assert kept and len(kept) < len(drawn)
    assert all(prompt_tokens(WordTokenizer(), c.full) + ANSWER_TOKENS <= window for c in kept)
    left_out = [c for c in drawn if c not in kept]
    assert all(prompt_tokens(WordTokenizer(), c.full) + ANSWER_TOKENS > window for c in left_out)


def test_without_a_window_every_conversation_is_asked():
    drawn = updates.test_set()[:6]
    assert within_window(drawn, WordTokenizer(), None) == drawn


def test_the_drawn_conversations_cover_every_length_band():
    drawn = updates.test_set()[:48]
    bands = {next(name for name, (low, high) in updates.LENGTH_BANDS.items() if low <= len(c.messages) <= high)
             for c in drawn}
    assert bands == set(updates.LENGTH_BANDS)
