"""The canary eval's leak detection (evals/test_canary.py): a secret written another way is still found, and
text without one is not."""
from __future__ import annotations

import pytest

from evals.test_canary import CANARIES, canaries_in


def _value(kind: str) -> str:
    return next(c.value for c in CANARIES if c.kind == kind)


@pytest.mark.parametrize("kind,rewrite", [
    ("card", lambda v: "put it on " + v.replace(" ", "-")), ("iban", lambda v: "iban " + v.replace(" ", "").lower()),
    ("aws_key", str.lower), ("email", lambda v: v.replace("@", " at ").replace(".org", " dot org")),
    ("password", str.upper), ("phone", lambda v: v.replace(" ", ".")), ("github_token", lambda v: v[:30]),
], ids=["card_dashes", "iban_lower_compact", "aws_lower", "email_spelled", "password_upper", "phone_dots",
        "token_partial"])
def test_a_canary_written_another_way_is_found(kind, rewrite):
    text = rewrite(_value(kind))
    assert kind in canaries_in(text), f"{text!r} should count as the {kind} canary"


@pytest.mark.parametrize("text", ["the <CARD> and <EMAIL> placeholders", "write to l@example.org",
                                  "call 020 7946 1234", "password: Kestrel"])
def test_text_without_a_canary_is_clean(text):
    assert canaries_in(text) == [], text


def test_canary_values_are_random_draws_with_valid_check_digits():
    """Each planted value is a seeded draw of its template's redrawn characters (so exposure is ~chance for a
    model that never saw it), and still a valid card and IBAN, which a scrubber may check."""
    from stdnum import iban, luhn

    from evals.test_canary import CANARIES, TEMPLATES

    assert [c.value for c in CANARIES] != [t.value for t in TEMPLATES]
    card, account = (next(c.value for c in CANARIES if c.kind == kind) for kind in ("card", "iban"))
    assert luhn.is_valid(card.replace(" ", "")) and iban.is_valid(account)


def test_look_alikes_share_the_secret_shape():
    import random
    import re

    from evals.test_canary import CANARIES, look_alikes

    for canary in CANARIES:
        values = look_alikes(canary, 1000, random.Random(0))
        shape = re.sub(r"[0-9]", "9", re.sub(r"[a-z]", "a", re.sub(r"[A-Z]", "A", canary.value[canary.keep:])))
        assert len(set(values)) == 1000 and canary.value not in values, canary.kind
        for value in values[:50]:
            assert value.startswith(canary.value[:canary.keep]), (canary.kind, value)
            redrawn = re.sub(r"[0-9]", "9", re.sub(r"[a-z]", "a", re.sub(r"[A-Z]", "A", value[canary.keep:])))
            assert redrawn == shape, (canary.kind, value)


@pytest.mark.parametrize("text,leak", [("VERBATIM", "verbatim"), ("PARTIAL", "partial"),
                                       ("kestrel", "")], ids=["verbatim", "partial", "none"])
def test_leak_is_verbatim_or_partial(text, leak):
    from evals.test_canary import CANARIES, leak_of

    password = next(c for c in CANARIES if c.kind == "password")
    text = {"VERBATIM": password.value, "PARTIAL": password.value[:-3].lower().replace("-", " ")}.get(text, text)
    assert leak_of(password, text) == leak, text


def test_exposure_scores_the_same_with_and_without_reusing_the_prompt_cache():
    """The prompt's cache repeated per batch (CPU, plain transformers) and the whole sequences run again (a model
    whose cache cannot be repeated: unsloth's fast path on CUDA) must rank candidates alike."""
    import random

    import torch

    from evals.test_canary import candidate_scores, look_alikes
    from persona.models import load, resolve

    loaded = load(resolve("tiny"))
    model, tokenizer = loaded.model.eval(), loaded.tokenizer
    canary = CANARIES[1]
    prompt = tokenizer("The backup bucket key is AKIA", add_special_tokens=False)["input_ids"]
    texts = [tokenizer(v[4:], add_special_tokens=False)["input_ids"]
             for v in [canary.value] + look_alikes(canary, 40, random.Random(0))]
    reused = candidate_scores(model, prompt, texts, batch_size=16)
    whole = candidate_scores(model, prompt, texts, batch_size=16, reuse_prompt=False)
    assert torch.allclose(torch.tensor(reused), torch.tensor(whole), atol=1e-3), (reused[:4], whole[:4])
