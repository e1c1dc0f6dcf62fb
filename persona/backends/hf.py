"""The hf backend: transformers + peft. LoRA adapters (or, with finetune = "full", every weight); on CUDA the base
in 4-bit bitsandbytes (QLoRA, what users would otherwise pick), on CPU in full precision."""
from __future__ import annotations

from persona import device
from persona.backends import Backend
from persona.models import load_tokenizer


def prepare(config, source):
    import torch
    from transformers import AutoModelForCausalLM

    hp = config.hparams
    tokenizer = load_tokenizer(source)
    cuda = device.cuda_available()
    quantize = cuda and hp.load_in_4bit
    kwargs = {"dtype": device.compute_dtype()}
    if quantize:
        kwargs["quantization_config"] = _nf4()
    model = AutoModelForCausalLM.from_pretrained(source.path, **kwargs)
    if quantize:
        from peft import prepare_model_for_kbit_training

        model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=hp.gradient_checkpointing)
    elif not cuda:
        model = model.to("cpu")
    torch.manual_seed(hp.seed)
    if hp.finetune == "full":
        return model, tokenizer
    return _with_lora(model, hp), tokenizer


def _nf4():
    """4-bit NormalFloat weights, double-quantized, computing in bf16: the QLoRA recipe."""
    import torch
    from transformers import BitsAndBytesConfig

    return BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_compute_dtype=torch.bfloat16,
                              bnb_4bit_use_double_quant=True)


def _with_lora(model, hp):
    from peft import LoraConfig, get_peft_model

    lora = LoraConfig(r=hp.lora_r, lora_alpha=hp.lora_alpha, lora_dropout=hp.lora_dropout,
                      target_modules=list(hp.target_modules), bias="none", task_type="CAUSAL_LM")
    return get_peft_model(model, lora)


BACKEND = Backend(name="hf", prepare=prepare, available=lambda: True, auto_rank=0)
