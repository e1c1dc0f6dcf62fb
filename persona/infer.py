"""Batched generation with Qwen3's thinking mode on or off; reasoning and answer come back separately."""
from __future__ import annotations

import os
import time
from dataclasses import dataclass

from persona.chat import IM_END, format_conversation, parse_output
from persona.decode import StaticDecoder
from persona.progress import Progress, decode_steps_callback


@dataclass
class Generation:
    reasoning: str
    """Text inside <think>...</think>; empty with thinking off (or when the model did not think)."""
    answer: str
    """The reply after the think block."""
    text: str
    """Everything generated, special tokens included."""
    new_tokens: int
    """Tokens generated for this conversation, up to and including end-of-turn."""


@dataclass
class Throughput:
    new_tokens: int
    seconds: float
    path: str = "generate"
    """"static-graphs" (persona.decode on CUDA), "static" (persona.decode without graphs) or "generate"
    (transformers)."""
    rows: int = 0
    """Prompts decoded together in this batch."""

    @property
    def tokens_per_second(self) -> float:
        return self.new_tokens / self.seconds if self.seconds else 0.0


BATCH_TOKENS = 16384
"""Padded prompt tokens decoded together at most: a batch of long conversations (the updates set's reach 10k
tokens) would otherwise pad 16 of them to the longest and need tens of GB for attention on a CPU. On CUDA the
static decoder rounds a batch up to 1/2/4/8/16 rows, so it may hold up to twice this."""


def generate(model, tokenizer, conversations: list[list[dict]], *, thinking: bool | list[bool],
             max_new_tokens: int = 256, batch_size: int = 8, do_sample: bool = False, temperature: float = 0.6,
             label: str = "generate", stats: list | None = None, batch_tokens: int = BATCH_TOKENS) -> list[Generation]:
    """Answer each conversation (whose last message is the user's), in the order asked; greedy unless do_sample.

    Prompts of similar length are left-padded and decoded together, whatever each one's thinking mode (`thinking`
    may be a flag per conversation): at most `batch_size` prompts and `batch_tokens` padded prompt tokens a batch.
    Greedy generation of a Qwen3 or Llama model runs persona.decode's static-cache decoder (CUDA graphs on a GPU);
    sampling and other models run transformers' generate. `stats` gets a Throughput per batch. A long pass reports
    its decode steps with an ETA, `label`.
    """
    import torch

    if not conversations:
        return []
    tokenizer.padding_side = "left"
    device = next(model.parameters()).device
    eos = tokenizer.convert_tokens_to_ids(IM_END)
    decoder = None if do_sample else fast_decoder(model)
    sampling = {"do_sample": True, "temperature": temperature, "top_p": 0.95} if do_sample else {"do_sample": False}
    modes = _thinking_modes(thinking, len(conversations))
    prompts = [format_conversation(c, add_generation_prompt=True, thinking=t) for c, t in zip(conversations, modes)]
    lengths = [len(ids) for ids in tokenizer(prompts, add_special_tokens=False)["input_ids"]]
    batches = length_batches(lengths, batch_size, batch_tokens)
    shown = "on" if all(modes) else "off" if not any(modes) else "mixed"
    progress = Progress(f"{label} ({len(conversations)} prompts, thinking {shown})", len(batches) * max_new_tokens,
                        unit="decode step", upper_bound=True)
    out: list[Generation | None] = [None] * len(conversations)
    for number, batch in enumerate(batches, 1):
        inputs = tokenizer([prompts[i] for i in batch], return_tensors="pt", padding=True,
                           add_special_tokens=False).to(device)
        began = time.perf_counter()
        if decoder is not None:
            new = decoder.generate(inputs["input_ids"], inputs["attention_mask"], max_new_tokens=max_new_tokens,
                                   eos_id=eos, on_tokens=progress.advance)
        else:
            new = _transformers_generate(model, tokenizer, inputs, progress, max_new_tokens=max_new_tokens,
                                         eos_token_id=eos, **sampling)
        progress.done = number * max_new_tokens  # a batch that stopped early skips the rest of its steps
        if device.type == "cuda":
            torch.cuda.synchronize()
        seconds = time.perf_counter() - began
        generations = _decoded(tokenizer, new, eos)
        for i, generation in zip(batch, generations):
            out[i] = generation
        if stats is not None:
            stats.append(Throughput(sum(g.new_tokens for g in generations), seconds, _path(decoder), len(batch)))
    progress.finish()
    return out


def _path(decoder) -> str:
    if decoder is None:
        return "generate"
    return "static-graphs" if decoder.graphs else "static"


def length_batches(lengths: list[int], batch_size: int, batch_tokens: int) -> list[list[int]]:
    """Indices of the prompts in batches: shortest first, each batch at most `batch_size` prompts and
    `batch_tokens` tokens once padded to its longest (a single longer prompt makes a batch of its own)."""
    batches: list[list[int]] = []
    for i in sorted(range(len(lengths)), key=lengths.__getitem__):
        batch = batches[-1] if batches else None
        if batch and len(batch) < batch_size and (len(batch) + 1) * lengths[i] <= batch_tokens:
            batch.append(i)
        else:
            batches.append([i])
    return batches


def _thinking_modes(thinking: bool | list[bool], n_conversations: int) -> list[bool]:
    """One thinking flag per conversation, from one flag for all or a list of them."""
    modes = list(thinking) if isinstance(thinking, (list, tuple)) else [thinking] * n_conversations
    if len(modes) != n_conversations:
        raise ValueError(f"generate: {len(modes)} thinking flags for {n_conversations} conversations")
    return modes


def _transformers_generate(model, tokenizer, inputs, progress: Progress, **kwargs):
    """The new tokens of one batch from transformers' generate, its decode steps counted into `progress`."""
    import torch
    from transformers import StoppingCriteriaList

    counter = StoppingCriteriaList([decode_steps_callback(progress)])
    with torch.inference_mode():
        output = model.generate(**inputs, pad_token_id=tokenizer.pad_token_id, stopping_criteria=counter, **kwargs)
    return output[:, inputs["input_ids"].shape[1]:]


def _decoded(tokenizer, new, eos: int) -> list[Generation]:
    """A Generation per row of new token ids, each cut after its first end-of-turn."""
    generations = []
    for row in new:
        ids = row.tolist()
        length = ids.index(eos) + 1 if eos in ids else len(ids)
        text = tokenizer.decode(ids[:length], skip_special_tokens=False)
        parsed = parse_output(text)
        generations.append(Generation(parsed.reasoning, parsed.answer, text, length))
    return generations


def fast_decoder(model):
    """persona.decode's decoder for this model, or None (unsupported model, or PERSONA_FAST_DECODE=0)."""
    if os.environ.get("PERSONA_FAST_DECODE", "1") == "0":
        return None
    return StaticDecoder.for_model(model)
