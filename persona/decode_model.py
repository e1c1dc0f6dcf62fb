"""What persona.decode reads of a model: which models it can run, their dimensions, and the layer math (RMSNorm,
RoPE, projections with or without an unmerged LoRA adapter) as transformers and peft compute it."""
from __future__ import annotations

from dataclasses import dataclass

ARCHITECTURES = ("qwen3", "llama")
"""model_type values it decodes: Qwen3 (the plan's model, the tiny one) and Llama (smollm2-135m)."""


def unsupported(model) -> str | None:
    """Why this decoder cannot run `model` (None when it can): Qwen3 or Llama, default RoPE, plain unbiased
    bf16/fp32 linears, or such linears under an unmerged vanilla LoRA adapter."""
    import torch

    model = unwrapped(model)
    config = getattr(model, "config", None)
    if getattr(config, "model_type", None) not in ARCHITECTURES:
        return "not a Qwen3 or Llama model"
    if (getattr(config, "rope_parameters", None) or {}).get("rope_type", "default") != "default":
        return "RoPE scaling"
    if getattr(config, "use_sliding_window", False) or getattr(config, "hidden_act", "silu") != "silu":
        return "sliding window or another activation"
    layers = getattr(getattr(model, "model", None), "layers", None)
    if layers is None:
        return "no decoder layers"
    if type(model.get_input_embeddings()) is not torch.nn.Embedding or \
            type(model.get_output_embeddings()) is not torch.nn.Linear:
        return "an adapter or another module on the embeddings or the output head"
    for layer in layers:
        for linear in (*attention_linears(layer), *mlp_linears(layer)):
            why = _unsupported_linear(linear)
            if why:
                return why
    return None


def unwrapped(model):
    """The transformers model under a PEFT wrapper (its LoRA layers in place), or the model itself."""
    return model.get_base_model() if hasattr(model, "get_base_model") else model


def _unsupported_linear(linear) -> str | None:
    import torch

    base = getattr(linear, "base_layer", None)
    if base is not None:  # a peft LoRA layer: vanilla LoRA on a plain linear, not merged
        if getattr(linear, "merged", False) or getattr(linear, "lora_variant", None) or \
                getattr(linear, "disable_adapters", False):
            return "a merged, disabled or DoRA-like adapter"
        linear = base
    if type(linear) is not torch.nn.Linear:
        return f"{type(linear).__name__} projections (quantized weights or other adapters)"
    if linear.bias is not None:
        return "projections with a bias"
    return None


def project(linear, x):
    """What `linear` computes on x: a plain unbiased Linear from its weight; a LoRA layer by its own forward (the
    base projection plus each active adapter's scaled B(A(x)), in peft's order)."""
    import torch.nn.functional as F

    return linear(x) if hasattr(linear, "base_layer") else F.linear(x, linear.weight)


def attention_linears(layer):
    a = layer.self_attn
    return a.q_proj, a.k_proj, a.v_proj, a.o_proj


def mlp_linears(layer):
    m = layer.mlp
    return m.gate_proj, m.up_proj, m.down_proj


@dataclass(frozen=True)
class Dims:
    heads: int
    kv_heads: int
    head_dim: int
    eps: float
    rope_theta: float

    @classmethod
    def of(cls, config) -> "Dims":
        head_dim = getattr(config, "head_dim", None) or config.hidden_size // config.num_attention_heads
        rope = getattr(config, "rope_parameters", None) or {}
        return cls(config.num_attention_heads, config.num_key_value_heads, head_dim, config.rms_norm_eps,
                   float(rope.get("rope_theta", getattr(config, "rope_theta", 10000.0))))


def rms_norm(x, weight, eps: float):
    """Qwen3RMSNorm and LlamaRMSNorm: normalize in float32, scale in the input's dtype."""
    import torch

    normed = x.float()
    normed = normed * torch.rsqrt(normed.pow(2).mean(-1, keepdim=True) + eps)
    return weight * normed.to(x.dtype)


def rope_table(length: int, dims: Dims, dtype, device):
    """cos and sin for positions 0..length-1, as transformers computes them (float32, then cast)."""
    import torch

    inv_freq = 1.0 / (dims.rope_theta ** (torch.arange(0, dims.head_dim, 2, dtype=torch.float) / dims.head_dim))
    freqs = torch.arange(length, dtype=torch.float)[:, None] * inv_freq[None, :]
    emb = torch.cat((freqs, freqs), dim=-1).to(device)
    return emb.cos().to(dtype), emb.sin().to(dtype)


def rotate(x, cos, sin):
    """apply_rotary_pos_emb for one tensor: x * cos + rotate_half(x) * sin."""
    import torch

    half = x.shape[-1] // 2
    return x * cos + torch.cat((-x[..., half:], x[..., :half]), dim=-1) * sin
