"""The 4-bit NormalFloat base a QLoRA adapter was trained against, for inference and merging.

A LoRA adapter trained on a 4-bit base learns corrections to the *quantized* weights. Put back onto the
full-precision base, it answers differently: on one H100 fine-tune of smollm2-135m, the memorization margin was
0.074 decoded with the 4-bit training model, 0.080 on a transformers NF4 base with the adapter, 0.091 merged into
the dequantized NF4 weights, and 0.044-0.050 on the bf16 base, merged or not (docs/calibration.md; one run, 50
prompts). So a run whose base was quantized on the fly from the source's weights is decoded and exported from
those same weights, dequantized: the model as trained, in a plain half-precision form that merges and decodes
fast. A run on a checkpoint the loader swapped in (a pre-quantized one) is not rebuilt here (quantized_on_the_fly).
"""
from __future__ import annotations


def nf4_config(half: str):
    """4-bit NormalFloat weights, double-quantized, computing in the half precision: the QLoRA recipe (the hf
    backend trains on it; Unsloth's load_in_4bit quantizes the same way)."""
    import torch
    from transformers import BitsAndBytesConfig

    return BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_compute_dtype=getattr(torch, half),
                              bnb_4bit_use_double_quant=True)


def dequantized_base(path: str, half: str, device: str, dtype=None):
    """The model at `path` quantized to NF4 as training quantized it, then dequantized by transformers (every 4-bit
    linear back to a plain one, the quantization config removed) and cast to `dtype` (default `half`): the weights
    the adapter saw, as an ordinary model that merges, casts and decodes like any other."""
    import torch
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(path, quantization_config=nf4_config(half), dtype=getattr(torch, half),
                                                 device_map={"": device})
    dtype = dtype or getattr(torch, half)
    return model.dequantize(dtype=dtype).to(dtype)


def quantized_on_the_fly(model, source_path: str) -> bool:
    """Whether a training model holds 4-bit linears quantized from the source's own weights. False when the loader
    swapped in another checkpoint (Unsloth maps a hub id such as unsloth/Qwen3-1.7B to a pre-quantized "dynamic"
    4-bit one that leaves some layers in half precision): `dequantized_base` would not rebuild those weights, so
    such a run is decoded on the full-precision base, as before."""
    import os

    loaded_from = str(getattr(getattr(model, "config", None), "_name_or_path", ""))
    same = os.path.realpath(loaded_from) == os.path.realpath(source_path) if os.path.isdir(source_path) \
        else loaded_from == str(source_path)
    return same and any(type(m).__name__ == "Linear4bit" for m in model.modules())
