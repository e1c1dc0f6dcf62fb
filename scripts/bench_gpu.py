"""GPU benchmark: training configurations, decode paths, and the eval suite's time per phase.

    python scripts/bench_gpu.py train  [--configs seed-2x4,fit-8x1,fit-8x1-dynamic] [--steps 100]
    python scripts/bench_gpu.py decode [--paths static-graphs,hf-dynamic,unsloth-graphs] [--batch-sizes 1,10,16,64]
    python scripts/bench_gpu.py suite  (pytest evals -m gpu, then its phases.json and decision)

All take --model (default synthetic:qwen3-1.7b) and --out-dir (default models/bench); each mode writes
<mode>.json there. Every training configuration runs in its own process (unsloth patches transformers
globally) with a log line per step, so warm-up, steady s/step and the loss curve come from training.log.
MFU counts 4 x 1.72e9 FLOPs per trained token (forward and input-gradient backward of the frozen base;
the LoRA weights and the checkpointing recompute are not counted) against the H100's 989 TFLOP/s bf16.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = {
    "seed-2x4": {"fit_micro_batch": "false", "static_shapes": "false"},
    "fit-8x1": {"static_shapes": "true"},
    "fit-8x1-dynamic": {},
    "fit-8x1-no-checkpointing": {"gradient_checkpointing": "false"},
    "fit-8x1-expandable": {"env": "PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True"},
    "hf-2x4": {"backend": "hf", "fit_micro_batch": "false", "static_shapes": "false"},
}
"""Named training configurations; each overrides the seed config (persona.config) with --set pairs
("env" sets an environment variable of the training process instead)."""
MATMUL_PARAMS = 1.72e9
"""Qwen3-1.7B's weights that multiply every token: 28 layers x 50.3M plus the 151,936 x 2048 output head."""
PEAK_FLOPS = 989e12
"""H100 SXM dense bf16."""
STEADY_AFTER = 10
"""Steps counted as warm-up (compilation, autotuning) before the steady s/step is taken."""


def train_config(model: str, name: str, steps: int, out: Path) -> dict:
    settings = {"max_steps": steps, "logging_steps": 1, "output_dir": out, "run_name": f"bench-{name}",
                "save_steps": 100000, **CONFIGS[name]}
    env = dict(os.environ)
    if "env" in settings:
        key, _, value = settings.pop("env").partition("=")
        env[key] = value
    command = [sys.executable, "-m", "persona.cli", "train", "--model", model]
    for key, value in settings.items():
        command += ["--set", f"{key}={value}"]
    began = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - began
    if done.returncode != 0:
        return {"config": name, "error": done.stderr[-3000:]}
    from persona.training_log import read_log

    run = out / f"bench-{name}"
    return summarize_run(name, json.loads((run / "result.json").read_text()), read_log(run / "training.log"), wall)


def summarize_run(name: str, result: dict, log: list[dict], wall_s: float) -> dict:
    """Warm-up, steady s/step, tokens/s and MFU of one run, from its result.json and per-step training.log."""
    per_step = [row["seconds_per_step"] for row in log if "seconds_per_step" in row]
    steps = len(per_step)
    steady = statistics.median(per_step[STEADY_AFTER:]) if steps > STEADY_AFTER else None
    effective = result["per_device_train_batch_size"] * result["gradient_accumulation_steps"]
    tokens_per_step = result["train_tokens"] / result["n_rows"] * effective
    train = result.get("vram", {}).get("train", {})
    row = {"config": name, "batch": f"{result['per_device_train_batch_size']}x{result['gradient_accumulation_steps']}",
           "padded_length": result.get("padded_length"), "steps": steps, "wall_s": round(wall_s, 1),
           "train_s": result["train_seconds"], "first_step_s": per_step[0] if per_step else None,
           "steady_s_per_step": steady, "nvml_peak_gib": train.get("nvml_peak_gib"),
           "torch_peak_allocated_gib": train.get("torch_allocated_gib"),
           "torch_reserved_gib": train.get("torch_reserved_gib"), "losses": [r["loss"] for r in log if "loss" in r]}
    if steady:
        row["warmup_s"] = round(result["train_seconds"] - steady * steps, 1)
        row["tokens_per_s"] = round(tokens_per_step / steady)
        row["mfu_pct"] = round(100 * row["tokens_per_s"] * 4 * MATMUL_PARAMS / PEAK_FLOPS, 2)
    return row


def plot_losses(rows: list[dict], path: Path) -> Path | None:
    from persona.report import plot_series

    series = {f"{r['config']} ({r['batch']})": list(enumerate(r["losses"], 1)) for r in rows if r.get("losses")}
    return plot_series(path, series, "loss", "Training loss per step, synthetic:qwen3-1.7b (random weights)")


def prompts(n: int) -> list:
    from persona.harness.answers import thinking_for
    from persona.chat import prompt_messages
    from persona.data import load_jsonl

    examples = load_jsonl(ROOT / "data/toy/test.jsonl")
    return [(prompt_messages(e.messages), thinking_for(e)) for e in (examples * (n // len(examples) + 1))[:n]]


def encode(tokenizer, n: int):
    from persona.chat import format_conversation

    tokenizer.padding_side = "left"
    texts = [format_conversation(m, add_generation_prompt=True, thinking=t) for m, t in prompts(n)]
    return tokenizer(texts, return_tensors="pt", padding=True, add_special_tokens=False).to("cuda")


def timed(fn) -> float:
    import torch

    torch.cuda.synchronize()
    began = time.perf_counter()
    fn()
    torch.cuda.synchronize()
    return time.perf_counter() - began


def decode_runner(path: str, model, tokenizer):
    """fn(inputs, new_tokens) that generates exactly new_tokens per row on the given path."""
    if path == "static-graphs":
        from persona.decode import StaticDecoder

        decoder = StaticDecoder(model)
        return lambda inputs, new: decoder.generate(inputs["input_ids"], inputs["attention_mask"],
                                                    max_new_tokens=new, eos_id=-1)
    extra = {"cache_implementation": "static"} if path == "hf-static" else {}
    return lambda inputs, new: model.generate(**inputs, max_new_tokens=new, min_new_tokens=new, do_sample=False,
                                              pad_token_id=tokenizer.pad_token_id, **extra)


def decode_path(path: str, model, tokenizer, sizes, new: int) -> list[dict]:
    import torch

    run, rows = decode_runner(path, model, tokenizer), []
    for batch in sizes:
        inputs = encode(tokenizer, batch)
        torch.cuda.reset_peak_memory_stats()
        first = timed(lambda: run(inputs, new))
        steady = timed(lambda: run(inputs, new))
        rows.append({"path": path, "batch": batch, "prompt_tokens": inputs["input_ids"].shape[1], "new_tokens": new,
                     "first_call_s": round(first, 2), "steady_s": round(steady, 3),
                     "tokens_per_s": round(batch * new / steady, 1),
                     "torch_peak_gib": round(torch.cuda.max_memory_allocated() / 2**30, 2)})
        print(json.dumps(rows[-1]), flush=True)
    return rows


def agreement(model, tokenizer, batch: int = 4, new: int = 48) -> dict:
    """How far the static decoder's greedy tokens follow transformers' generate in bf16 on this model."""
    from persona.decode import StaticDecoder

    inputs = encode(tokenizer, batch)
    ours = StaticDecoder(model).generate(inputs["input_ids"], inputs["attention_mask"], max_new_tokens=new, eos_id=-1)
    theirs = decode_runner("hf-dynamic", model, tokenizer)(inputs, new)[:, inputs["input_ids"].shape[1]:]
    same = (ours == theirs).cpu()
    prefix = [int(row.long().cumprod(0).sum()) for row in same]
    return {"batch": batch, "new_tokens": new, "rows_identical": int(same.all(1).sum()),
            "tokens_before_first_difference": prefix}


def decode_unsloth(model_spec: str, sizes, new: int) -> list[dict]:
    """Unsloth's own inference path: FastLanguageModel in bf16, for_inference, its decode CUDA graphs on."""
    os.environ["UNSLOTH_DECODE_CUDA_GRAPHS"] = "1"
    import unsloth  # noqa: F401
    from unsloth import FastLanguageModel

    from persona.models import resolve

    began = time.perf_counter()
    model, tokenizer = FastLanguageModel.from_pretrained(model_name=resolve(model_spec).path, max_seq_length=2048,
                                                         dtype=None, load_in_4bit=False)
    FastLanguageModel.for_inference(model)
    print(json.dumps({"path": "unsloth-graphs", "load_s": round(time.perf_counter() - began, 1)}), flush=True)
    return decode_path("unsloth-graphs", model, tokenizer, sizes, new)


def decode(args) -> dict:
    from persona.models import load

    paths = args.paths.split(",")
    sizes = tuple(int(b) for b in args.batch_sizes.split(","))
    report: dict = {"model": args.model, "decode": []}
    if paths == ["unsloth-graphs"]:
        report["decode"] = decode_unsloth(args.model, sizes, args.new_tokens)
        return report
    began = time.perf_counter()
    loaded = load(args.model)
    report["load_s"] = round(time.perf_counter() - began, 1)
    model, tokenizer = loaded.model.eval(), loaded.tokenizer
    report["agreement"] = agreement(model, tokenizer)
    print(json.dumps(report["agreement"]), flush=True)
    for path in [p for p in paths if p != "unsloth-graphs"]:
        path_sizes = sizes if path == "static-graphs" else tuple(b for b in sizes if b in (1, 16))
        report["decode"] += decode_path(path, model, tokenizer, path_sizes, args.new_tokens)
    if "unsloth-graphs" in paths:  # its own process: unsloth patches transformers' Qwen3 classes
        child = subprocess.run([sys.executable, __file__, "decode", "--model", args.model, "--paths", "unsloth-graphs",
                                "--batch-sizes", args.batch_sizes, "--out-dir", str(Path(args.out_dir) / "unsloth")],
                               cwd=ROOT, capture_output=True, text=True)
        out = Path(args.out_dir) / "unsloth" / "decode.json"
        report["decode"] += json.loads(out.read_text())["decode"] if out.exists() else \
            [{"path": "unsloth-graphs", "error": child.stderr[-3000:]}]
    return report


def suite(args) -> dict:
    out = Path(args.out_dir)
    command = [sys.executable, "-m", "pytest", "evals", "-m", "gpu", "--persona-model", args.model, "-p", "no:cacheprovider",
               f"--junitxml={out / 'junit.xml'}", "-q"]
    began = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    wall = round(time.perf_counter() - began, 1)
    (out / "suite.log").write_text(done.stdout + done.stderr)
    run_dir = ROOT / "models" / "toy-synthetic"
    report = {"command": " ".join(command[1:]), "exit_code": done.returncode, "wall_s": wall,
              "tail": done.stdout.splitlines()[-25:]}
    for name in ("phases.json", "decision.json"):
        if (run_dir / name).exists():
            report[name.removesuffix(".json")] = json.loads((run_dir / name).read_text())
    return report


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=("train", "decode", "suite"))
    parser.add_argument("--model", default="synthetic:qwen3-1.7b")
    parser.add_argument("--out-dir", default=str(ROOT / "models/bench"))
    parser.add_argument("--configs", default="seed-2x4,fit-8x1,fit-8x1-dynamic", help=f"of {', '.join(CONFIGS)}")
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--paths", default="static-graphs,hf-dynamic,unsloth-graphs",
                        help="static-graphs (persona.decode), hf-dynamic, hf-static, unsloth-graphs")
    parser.add_argument("--batch-sizes", default="1,10,16,64")
    parser.add_argument("--new-tokens", type=int, default=256)
    args = parser.parse_args()
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if args.mode == "train":
        report = {"model": args.model, "train": []}
        for name in args.configs.split(","):
            report["train"].append(train_config(args.model, name, args.steps, out))
            print(json.dumps({k: v for k, v in report["train"][-1].items() if k != "losses"}), flush=True)
            (out / "train.json").write_text(json.dumps(report, indent=2))
        plot_losses(report["train"], out / "loss_curves.png")
    elif args.mode == "decode":
        report = decode(args)
    else:
        report = suite(args)
        print(json.dumps({k: v for k, v in report.items() if k != "tail"}, indent=1), flush=True)
        print("\n".join(report["tail"]))
    (out / f"{args.mode}.json").write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
