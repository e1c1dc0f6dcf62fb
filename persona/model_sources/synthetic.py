"""Model source `synthetic:qwen3-1.7b`: Qwen3-1.7B's exact architecture with random weights and the offline
Qwen3 tokenizer (persona.tokenizer) — the real VRAM and speed, nothing about quality."""
from __future__ import annotations

from pathlib import Path

from persona import device
from persona.model_sources import MARKER, NamedSource, save
from persona.tokenizer import qwen3_tokenizer

SYNTHETIC_QWEN3_1_7B = dict(
    hidden_size=2048, intermediate_size=6144, num_hidden_layers=28, num_attention_heads=16,
    num_key_value_heads=8, head_dim=128, vocab_size=151936, max_position_embeddings=40960,
    rope_theta=1_000_000.0, rms_norm_eps=1e-6, tie_word_embeddings=True,
    bos_token_id=151643, eos_token_id=151645, pad_token_id=151643,
)
"""Qwen3-1.7B's published config, minus the weights."""


def build_synthetic(directory: Path) -> Path:
    """Qwen3-1.7B with random bf16 weights and the offline Qwen3 tokenizer (about 3.4 GB on disk)."""
    if (directory / MARKER).exists():
        return directory
    import torch
    from transformers import Qwen3Config, Qwen3ForCausalLM

    config = Qwen3Config(**SYNTHETIC_QWEN3_1_7B)
    config.torch_dtype = "bfloat16"
    torch.manual_seed(0)
    where = device.default_device()
    with torch.device(where):
        model = Qwen3ForCausalLM(config).to(torch.bfloat16)
    save(model, qwen3_tokenizer(), directory, {"kind": "synthetic"})
    del model
    if where == "cuda":
        torch.cuda.empty_cache()
    return directory


SOURCE = NamedSource(name="synthetic:qwen3-1.7b", kind="synthetic", folder="synthetic-qwen3-1.7b",
                     build=build_synthetic)
