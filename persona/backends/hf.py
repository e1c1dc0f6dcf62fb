"""The hf backend: transformers + peft. LoRA adapters (or, with finetune = "full", every weight); on CUDA a LoRA
base in 4-bit bitsandbytes (QLoRA, what users would otherwise pick), a fully fine-tuned model in fp32 weights
under the trainer's half-precision autocast; on CPU full precision. Half precision is the GPU edge's one
decision (persona.device.half_precision: bf16, or fp16 on a GPU without it)."""
from __future__ import annotations

from dataclasses import dataclass

from persona import device
from persona.backends import Backend
from persona.models import load_tokenizer
from persona.nf4 import nf4_config


@dataclass(frozen=True)
class Loading:
    """How the base model is loaded for training."""
    quantize_4bit: bool
    """4-bit NormalFloat base weights (bitsandbytes), frozen under LoRA adapters."""
    dtype: str
    """torch dtype name of the loaded weights: the half precision, or "float32"."""


def loading(hparams, cuda: bool, half: str = "bfloat16") -> Loading:
    """The loading decision, from the settings and the machine alone. 4-bit only under LoRA on CUDA with
    load_in_4bit: a full fine-tune trains every weight, and 4-bit weights cannot be trained (peft refuses:
    "You cannot perform fine-tuning on purely quantized models"). Weights that are trained whole stay fp32
    under the trainer's bf16 autocast: next to a weight of 0.05 bf16's step is 2.4e-4, so an update under half
    of it rounds to nothing. A frozen base under adapters on CUDA is in `half` (device.half_precision()); CPU is
    fp32 throughout."""
    full = hparams.finetune == "full"
    return Loading(quantize_4bit=cuda and hparams.load_in_4bit and not full,
                   dtype=half if cuda and not full else "float32")


def prepare(config, source):
    import torch
    from transformers import AutoModelForCausalLM

    hp = config.hparams
    tokenizer = load_tokenizer(source)
    cuda = device.cuda_available()
    plan = loading(hp, cuda, device.half_precision() if cuda else "float32")
    kwargs = {"dtype": getattr(torch, plan.dtype)}
    if plan.quantize_4bit:
        kwargs["quantization_config"] = nf4_config(plan.dtype)
    model = AutoModelForCausalLM.from_pretrained(source.path, **kwargs)
    if plan.quantize_4bit:
        from peft import prepare_model_for_kbit_training

        model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=hp.gradient_checkpointing)
    elif not cuda:
        model = model.to("cpu")
    torch.manual_seed(hp.seed)
    if hp.finetune == "full":
        return model, tokenizer
    return _with_lora(model, hp), tokenizer


def _with_lora(model, hp):
    from peft import LoraConfig, get_peft_model

    lora = LoraConfig(r=hp.lora_r, lora_alpha=hp.lora_alpha, lora_dropout=hp.lora_dropout,
                      target_modules=list(hp.target_modules), bias="none", task_type="CAUSAL_LM")
    return get_peft_model(model, lora)


BACKEND = Backend(name="hf", prepare=prepare, available=lambda: True, auto_rank=0)
