"""GPU benchmark: unsloth vs hf+peft training on the same rows, and decode speed of the fine-tuned model.

    python scripts/bench_gpu.py [--model synthetic:qwen3-1.7b] [--steps 20] [--out docs/benchmarks-gpu.json]

Each backend trains in its own process (unsloth patches transformers globally, which would skew the hf run).
Decode is measured on the adapter merged into bf16: dynamic cache vs static cache (generate compiles on the
first call with a given shape; the figure is the second call), at batch 1 and batched.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def train_run(model: str, backend: str, steps: int, out: Path) -> dict:
    run = out / f"bench-{backend}"
    command = [sys.executable, "-m", "persona.cli", "train", "--model", model, "--backend", backend,
               "--set", f"max_steps={steps}", "--set", "logging_steps=5", "--set", f"output_dir={out}",
               "--set", f"run_name=bench-{backend}", "--set", "save_steps=100000"]
    began = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        return {"backend": backend, "error": done.stderr[-2000:]}
    from persona.train import read_log, steady_seconds_per_step

    result = json.loads((run / "result.json").read_text())
    steady = steady_seconds_per_step(read_log(run / "training.log"))
    return {"backend": backend, "steps": steps, "wall_s": round(time.perf_counter() - began, 1),
            "train_s": result["train_seconds"], "s_per_step": round(result["train_seconds"] / steps, 3),
            "steady_s_per_step": round(steady, 3) if steady else None,
            "vram": result["vram"], "losses": result["losses"], "adapter": str(run / "final")}


def decode(model_spec: str, adapter: str | None, batch_sizes=(1, 16), new_tokens: int = 256,
           caches=("dynamic", "static")) -> list[dict]:
    import torch

    from persona.models import load

    loaded = load(model_spec, adapter=adapter)
    model = loaded.model.merge_and_unload() if adapter else loaded.model
    model, tok = model.eval(), loaded.tokenizer
    tok.padding_side = "left"
    rows = []
    for cache in caches:
        for bs in batch_sizes:
            prompts = [f"<|im_start|>user\nHow would you debug a memory leak, case {i}?<|im_end|>\n"
                       "<|im_start|>assistant\n" for i in range(bs)]
            inputs = tok(prompts, return_tensors="pt", padding=True, add_special_tokens=False).to("cuda")
            extra = {"cache_implementation": "static"} if cache == "static" else {}
            timings = []
            for _ in range(2):  # the first call warms up (and, with a static cache, compiles)
                torch.cuda.synchronize()
                began = time.perf_counter()
                model.generate(**inputs, max_new_tokens=new_tokens, min_new_tokens=new_tokens, do_sample=False,
                               pad_token_id=tok.pad_token_id, **extra)
                torch.cuda.synchronize()
                timings.append(time.perf_counter() - began)
            rows.append({"cache": cache, "batch": bs, "first_s": round(timings[0], 2),
                         "tokens_per_s": round(bs * new_tokens / timings[1], 1)})
            print(json.dumps(rows[-1]), flush=True)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="synthetic:qwen3-1.7b")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--out", default=str(ROOT / "docs/benchmarks-gpu.json"))
    parser.add_argument("--skip-hf", action="store_true")
    parser.add_argument("--decode-only", action="store_true", help="decode speed of the base model, no training")
    parser.add_argument("--batch-sizes", default="1,16", help="decode batch sizes")
    parser.add_argument("--caches", default="dynamic,static", help="decode caches")
    args = parser.parse_args()
    sizes, caches = tuple(map(int, args.batch_sizes.split(","))), tuple(args.caches.split(","))
    if args.decode_only:
        rows = decode(args.model, None, sizes, caches=caches)
        Path(args.out).write_text(json.dumps({"model": args.model, "decode": rows}, indent=2))
        return 0
    work = ROOT / "models" / "bench"
    report = {"model": args.model, "train": []}
    for backend in ("unsloth",) + (() if args.skip_hf else ("hf",)):
        report["train"].append(train_run(args.model, backend, args.steps, work))
        print(json.dumps({k: v for k, v in report["train"][-1].items() if k != "losses"}), flush=True)
    ok = [r for r in report["train"] if "error" not in r]
    if len(ok) == 2:
        report["unsloth_speedup"] = round(ok[1]["s_per_step"] / ok[0]["s_per_step"], 2)
    if ok:
        report["decode"] = decode(args.model, ok[0]["adapter"], sizes, caches=caches)
    Path(args.out).write_text(json.dumps(report, indent=2))
    print(json.dumps({k: v for k, v in report.items() if k != "train"}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
