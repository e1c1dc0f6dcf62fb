"""The offline Qwen3 tokenizer gives the ids the real Qwen3-1.7B tokenizer gives (CPU, no network)."""
import pytest

from persona.tokenizer import QWEN3_ADDED_TOKENS, qwen3_tokenizer


@pytest.fixture(scope="module")
def tok():
    return qwen3_tokenizer()


ID_CASES = [
    ("<|endoftext|>", 151643),
    ("<|im_start|>", 151644),
    ("<|im_end|>", 151645),
    ("<tool_call>", 151657),
    ("<think>", 151667),
    ("</think>", 151668),
]


@pytest.mark.parametrize("token,expected_id", ID_CASES, ids=[c[0] for c in ID_CASES])
def test_added_token_ids(tok, token, expected_id):
    assert tok.convert_tokens_to_ids(token) == expected_id, f"{token} should be id {expected_id}"


def test_vocab_size_and_special_ids(tok):
    assert len(tok) == 151643 + len(QWEN3_ADDED_TOKENS) == 151669
    assert tok.eos_token == "<|im_end|>" and tok.eos_token_id == 151645
    assert tok.pad_token == "<|endoftext|>" and tok.pad_token_id == 151643


def test_known_encodings(tok):
    assert tok("Hello world")["input_ids"] == [9707, 1879]
    # Qwen splits digits one by one: every digit of a port or a date is its own token.
    assert tok(" 8443", add_special_tokens=False)["input_ids"] == [220, 23, 19, 19, 18]


def test_chat_markers_are_single_tokens(tok):
    ids = tok("<|im_start|>user\nhi<|im_end|>\n<think>\n\n</think>", add_special_tokens=False)["input_ids"]
    assert ids[0] == 151644 and 151645 in ids and 151667 in ids and 151668 in ids, ids


def test_round_trip_and_think_is_not_special(tok):
    text = "Grüße — 日本語, port 8443 on 2024-03-14.\n\n  indented"
    assert tok.decode(tok(text)["input_ids"]) == text
    # As in Qwen3's own config, <think> survives skip_special_tokens while <|im_end|> does not.
    ids = tok("<think>x</think>y<|im_end|>", add_special_tokens=False)["input_ids"]
    assert tok.decode(ids, skip_special_tokens=True) == "<think>x</think>y"


def test_built_once(tok):
    assert qwen3_tokenizer() is tok, "qwen3_tokenizer() should be cached; building takes seconds"
