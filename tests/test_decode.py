"""persona.decode: bucketing, and the static-cache decoder against transformers' generate (tiny model, CPU)."""
from __future__ import annotations

import pytest

from persona.decode import StaticDecoder, batch_bucket, length_bucket, unsupported


@pytest.mark.parametrize("rows, bucket", [(1, 1), (3, 4), (10, 16), (16, 16), (64, 64), (65, 128)])
def test_batch_bucket(rows, bucket):
    assert batch_bucket(rows) == bucket


@pytest.mark.parametrize("tokens, bucket", [(1, 256), (256, 256), (257, 512), (612, 768)])
def test_length_bucket(tokens, bucket):
    assert length_bucket(tokens) == bucket


@pytest.fixture(scope="module")
def tiny():
    import torch

    from persona.models import load

    loaded = load("tiny", device="cpu")
    torch.manual_seed(0)
    with torch.no_grad():  # the untrained tiny model repeats one token; large random weights do not
        for name, weight in loaded.model.named_parameters():
            if "norm" not in name:
                weight.normal_(0.0, 0.5)
    return loaded.model, loaded.tokenizer


def _prompts(tokenizer, texts):
    from persona.chat import format_conversation

    tokenizer.padding_side = "left"
    prompts = [format_conversation([{"role": "user", "content": t}], add_generation_prompt=True, thinking=False)
               for t in texts]
    return tokenizer(prompts, return_tensors="pt", padding=True, add_special_tokens=False)


def test_matches_transformers_generate_on_a_left_padded_batch(tiny):
    import torch

    model, tokenizer = tiny
    inputs = _prompts(tokenizer, ["Where do you live?", "What did you decide about the job offer in Berlin last "
                                  "spring, and why?", "Hi"])
    new = 24
    with torch.no_grad():
        reference = model.generate(**inputs, max_new_tokens=new, min_new_tokens=new, do_sample=False,
                                   pad_token_id=tokenizer.pad_token_id)[:, inputs["input_ids"].shape[1]:]
    decoder = StaticDecoder(model, graphs=False)
    out = decoder.generate(inputs["input_ids"], inputs["attention_mask"], max_new_tokens=new, eos_id=-1)
    assert out.shape == reference.shape, (out.shape, reference.shape)
    assert torch.equal(out, reference), f"static decoder\n{out}\ntransformers\n{reference}"


def test_stops_once_every_row_ended_its_turn(tiny):
    model, tokenizer = tiny
    inputs = _prompts(tokenizer, ["Where do you live?"])
    decoder = StaticDecoder(model, graphs=False)
    free = decoder.generate(inputs["input_ids"], inputs["attention_mask"], max_new_tokens=40, eos_id=-1)
    eos = int(free[0, 2])  # pretend the third token ends the turn
    out = decoder.generate(inputs["input_ids"], inputs["attention_mask"], max_new_tokens=40, eos_id=eos)
    assert out.shape[1] < 40 and out[0, 2] == eos, out.shape


def test_unsupported_models_are_named():
    from persona.models import load

    loaded = load("tiny", device="cpu")
    assert unsupported(loaded.model) is None
    loaded.model.config.model_type = "llama"
    assert unsupported(loaded.model) == "not a Qwen3 model"
