"""persona.decode: bucketing, and the static-cache decoder against transformers' generate (the tiny Qwen3 model,
a tiny Llama with its tokenizer, and the tiny model under an unmerged LoRA adapter, as a CPU run evaluates it;
CPU)."""
from __future__ import annotations

import pytest

from persona.decode import StaticDecoder, batch_bucket, length_bucket, unsupported


@pytest.mark.parametrize("rows, bucket", [(1, 1), (3, 4), (10, 16), (16, 16), (64, 64), (65, 128)])
def test_batch_bucket(rows, bucket):
    assert batch_bucket(rows) == bucket


@pytest.mark.parametrize("tokens, bucket", [(1, 256), (256, 256), (257, 512), (612, 768)])
def test_length_bucket(tokens, bucket):
    assert length_bucket(tokens) == bucket


def _scrambled(model):
    import torch

    torch.manual_seed(0)
    with torch.no_grad():  # the untrained tiny model repeats one token; large random weights do not
        for name, weight in model.named_parameters():
            if "norm" not in name:
                weight.normal_(0.0, 0.5)
    return model


@pytest.fixture(scope="module")
def tiny():
    from persona.models import load

    loaded = load("tiny", device="cpu")
    return _scrambled(loaded.model), loaded.tokenizer


@pytest.fixture(scope="module")
def tiny_llama(tiny):
    """The tiny model's shape as a Llama (smollm2's architecture: no per-head query and key norms)."""
    from transformers import LlamaConfig, LlamaForCausalLM

    qwen = tiny[0].config
    config = LlamaConfig(vocab_size=qwen.vocab_size, hidden_size=64, intermediate_size=256, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, head_dim=16, rope_theta=100000.0,
                         tie_word_embeddings=True, bos_token_id=qwen.bos_token_id, eos_token_id=qwen.eos_token_id,
                         pad_token_id=qwen.pad_token_id)
    return _scrambled(LlamaForCausalLM(config).eval()), tiny[1]


@pytest.fixture(scope="module")
def tiny_lora(tiny):
    """A copy of the tiny model under a LoRA adapter whose B is not zero (a trained adapter moves the answers)."""
    import copy

    import torch
    from peft import LoraConfig, get_peft_model

    model = get_peft_model(copy.deepcopy(tiny[0]), LoraConfig(r=4, lora_alpha=8, target_modules=[
        "q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"], task_type="CAUSAL_LM"))
    torch.manual_seed(1)
    with torch.no_grad():
        for name, weight in model.named_parameters():
            if "lora_B" in name:
                weight.normal_(0.0, 0.5)
    return model.eval(), tiny[1]


def _prompts(tokenizer, texts):
    from persona.chat import format_conversation

    tokenizer.padding_side = "left"
    prompts = [format_conversation([{"role": "user", "content": t}], add_generation_prompt=True, thinking=False)
               for t in texts]
    return tokenizer(prompts, return_tensors="pt", padding=True, add_special_tokens=False)


@pytest.mark.parametrize("architecture", ["tiny", "tiny_llama", "tiny_lora"])
def test_matches_transformers_generate_on_a_left_padded_batch(architecture, request):
    import torch

    model, tokenizer = request.getfixturevalue(architecture)
    assert unsupported(model) is None, unsupported(model)
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


def test_the_adapter_counts_and_a_merged_or_disabled_one_is_refused(tiny, tiny_lora):
    import torch

    model, tokenizer = tiny_lora
    inputs = _prompts(tokenizer, ["Where do you live?", "Hi"])
    with_adapter = StaticDecoder(model, graphs=False).generate(inputs["input_ids"], inputs["attention_mask"],
                                                               max_new_tokens=16, eos_id=-1)
    without = StaticDecoder(tiny[0], graphs=False).generate(inputs["input_ids"], inputs["attention_mask"],
                                                            max_new_tokens=16, eos_id=-1)
    assert not torch.equal(with_adapter, without), "the decoder read the base weights alone"
    with model.disable_adapter():
        assert unsupported(model) == "a merged, disabled or DoRA-like adapter"
    model.merge_adapter()
    try:
        assert unsupported(model) == "a merged, disabled or DoRA-like adapter"
    finally:
        model.unmerge_adapter()
    assert unsupported(model) is None


@pytest.mark.parametrize("target", ["embed_tokens", "lm_head"])
def test_an_adapter_on_the_embeddings_or_the_head_is_refused(tiny, target):
    """The decoder reads the embedding and output weights directly, so an adapter there would be dropped."""
    import copy

    from peft import LoraConfig, get_peft_model

    model = get_peft_model(copy.deepcopy(tiny[0]), LoraConfig(r=4, target_modules=["q_proj", target]))
    assert unsupported(model) == "an adapter or another module on the embeddings or the output head"


def test_a_prompt_without_padding_needs_no_prompt_by_prompt_mask(tiny, tiny_lora):
    import torch

    model, tokenizer = tiny_lora
    inputs = _prompts(tokenizer, ["What did you decide about the job offer in Berlin last spring, and why? " * 4])
    assert bool(inputs["attention_mask"].all())
    with torch.no_grad():
        reference = model.generate(**inputs, max_new_tokens=12, min_new_tokens=12, do_sample=False,
                                   pad_token_id=tokenizer.pad_token_id)[:, inputs["input_ids"].shape[1]:]
    out = StaticDecoder(model, graphs=False).generate(inputs["input_ids"], inputs["attention_mask"],
                                                      max_new_tokens=12, eos_id=-1)
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
    import torch

    from persona.models import load

    loaded = load("tiny", device="cpu")
    assert unsupported(loaded.model) is None
    loaded.model.config.model_type = "gpt2"
    assert unsupported(loaded.model) == "not a Qwen3 or Llama model"
    loaded.model.config.model_type = "qwen3"
    linear = loaded.model.model.layers[0].self_attn.q_proj
    linear.bias = torch.nn.Parameter(linear.weight.new_zeros(linear.out_features))
    assert unsupported(loaded.model) == "projections with a bias"


def test_prompts_are_batched_by_length_under_the_token_budget_and_come_back_in_order():
    from persona.infer import length_batches

    lengths = [900, 10, 5000, 20, 30, 950, 40]
    batches = length_batches(lengths, batch_size=3, batch_tokens=2000)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    assert all(len(b) <= 3 and (len(b) == 1 or len(b) * max(lengths[i] for i in b) <= 2000) for b in batches)
    assert [5000] in [[lengths[i] for i in b] for b in batches]  # longer than the budget: alone
    assert [[lengths[i] for i in b] for b in batches][0] == [10, 20, 30]


def test_generate_returns_answers_in_the_order_asked_and_counts_each_batch(tiny):
    from persona.infer import generate

    model, tokenizer = tiny
    asked = [[{"role": "user", "content": text}] for text in
             ("What did you decide about the job offer in Berlin last spring, and why?", "Hi", "Where do you live?")]
    stats = []
    together = generate(model, tokenizer, asked, thinking=False, max_new_tokens=8, batch_size=2, stats=stats)
    alone = [generate(model, tokenizer, [c], thinking=False, max_new_tokens=8)[0] for c in asked]
    assert [g.text for g in together] == [g.text for g in alone]
    assert sorted(s.rows for s in stats) == [1, 2] and generate(model, tokenizer, [], thinking=False) == []
