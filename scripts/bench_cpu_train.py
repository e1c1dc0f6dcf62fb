"""CPU training speed: the project's loop (persona.train, trl's SFTTrainer) vs a bare PyTorch LoRA loop.

    python scripts/bench_cpu_train.py [--model smollm2-135m] [--steps 6] [--rounds 2] [--set NAME=VALUE]...

Both loops train the same rendered rows with the same LoRA (rank, alpha, targets), batch, accumulation,
AdamW and gradient clipping, in one process and interleaved (project, bare, project, bare, ...), so that
load from other processes on the machine hits both alike. The figure per loop is the median s/step over its
rounds, the first step of each round left out (it pays for allocation and warm-up).
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def project_step_seconds(config) -> tuple[list[float], list[float]]:
    """(s/step of each step after the first, losses) from the project's own training.log."""
    from persona.train import train

    result = train(config.replace(logging_steps=1, save_steps=10**6))
    return [row["seconds_per_step"] for row in result.log if "loss" in row][1:], result.losses


def pad(batch: list[dict], pad_id: int):
    import torch

    width = max(len(r["input_ids"]) for r in batch)
    ids = torch.tensor([r["input_ids"] + [pad_id] * (width - len(r["input_ids"])) for r in batch])
    labels = torch.tensor([r["labels"] + [-100] * (width - len(r["labels"])) for r in batch])
    mask = torch.tensor([[1] * len(r["input_ids"]) + [0] * (width - len(r["input_ids"])) for r in batch])
    return {"input_ids": ids, "attention_mask": mask, "labels": labels}


def bare_step_seconds(config, rows: list[dict]) -> tuple[list[float], list[float]]:
    """The same update written as a plain loop: forward, backward, clip, AdamW, linear schedule; no Trainer, no
    trl. (The Trainer weights each micro-batch by its label tokens, this loop averages them: same cost.)"""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from persona.models import resolve

    path = resolve(config.run.model).path
    hp = config.hparams
    pad_id = AutoTokenizer.from_pretrained(path).pad_token_id
    torch.manual_seed(hp.seed)
    model = get_peft_model(AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32), LoraConfig(
        r=hp.lora_r, lora_alpha=hp.lora_alpha, lora_dropout=hp.lora_dropout,
        target_modules=list(hp.target_modules), bias="none", task_type="CAUSAL_LM"))
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=hp.learning_rate, weight_decay=hp.weight_decay)
    warmup, steps = hp.warmup_steps, hp.max_steps
    schedule = torch.optim.lr_scheduler.LambdaLR(  # linear warmup then linear decay, as the Trainer's "linear"
        optimizer, lambda s: s / max(1, warmup) if s < warmup else max(0.0, (steps - s) / max(1, steps - warmup)))
    order = random.Random(hp.seed)
    seconds, losses = [], []
    for _ in range(hp.max_steps):
        began, total = time.perf_counter(), 0.0
        for _ in range(hp.gradient_accumulation_steps):
            loss = model(**pad(order.sample(rows, hp.per_device_train_batch_size), pad_id)).loss
            (loss / hp.gradient_accumulation_steps).backward()
            total += loss.item() / hp.gradient_accumulation_steps
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad(set_to_none=True)
        seconds.append(time.perf_counter() - began)
        losses.append(total)
    return seconds[1:], losses


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="smollm2-135m")
    parser.add_argument("--steps", type=int, default=6, help="optimizer steps per round and loop")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args(argv)

    from transformers import AutoTokenizer

    from persona.config import load_config, parse_overrides
    from persona.data import load_jsonl
    from persona.models import resolve
    from persona.profiles import profile_for
    from persona.train import render_rows

    with tempfile.TemporaryDirectory() as out:
        config = load_config(None, **{**profile_for(args.model), "model": args.model, "output_dir": out,
                                      "backend": "hf", "max_steps": args.steps, **parse_overrides(args.set)})
        tokenizer = AutoTokenizer.from_pretrained(resolve(args.model).path)
        rows = render_rows(load_jsonl(Path(config.run.train_file)), tokenizer, config.hparams.max_seq_length)
        timings = {"project (persona.train)": [], "bare PyTorch loop": []}
        for round_ in range(args.rounds):
            project, p_losses = project_step_seconds(config.replace(run_name=f"round{round_}"))
            bare, b_losses = bare_step_seconds(config, rows)
            timings["project (persona.train)"] += project
            timings["bare PyTorch loop"] += bare
            print(f"round {round_ + 1}: project {statistics.median(project):.2f} s/step (loss "
                  f"{p_losses[0]:.2f} -> {p_losses[-1]:.2f}), bare {statistics.median(bare):.2f} s/step (loss "
                  f"{b_losses[0]:.2f} -> {b_losses[-1]:.2f})", flush=True)
    hp = config.hparams
    print(f"\n{args.model}, batch {hp.per_device_train_batch_size} x accumulation "
          f"{hp.gradient_accumulation_steps}, LoRA r={hp.lora_r}, {len(rows)} rows, "
          f"{args.rounds} rounds x {args.steps} steps, interleaved\n")
    print("| loop | median s/step | min | max |\n|---|---|---|---|")
    for name, values in timings.items():
        print(f"| {name} | {statistics.median(values):.2f} | {min(values):.2f} | {max(values):.2f} |")
    ratio = statistics.median(timings["project (persona.train)"]) / statistics.median(timings["bare PyTorch loop"])
    print(f"\nproject / bare: {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
