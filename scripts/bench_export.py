"""Export figures of a trained run (docs/calibration.md, "Exports"): each export read back and held to the run.

    OMP_NUM_THREADS=1 .venv/bin/python scripts/bench_export.py models/cache/runs/KEY --out /tmp/exports

Writes merged bf16, GGUF q8_0 and GGUF f16, and a merged export of the base model (a fault that must fail), then
prints per export its size, the seconds to write and to check it, and the figures of persona.export_check.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from persona.export import adapter_model, export_gguf, export_merged, load_run
from persona.export_check import compare, load_export, reasons, reference_pass, test_conversations
from persona.models import load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    run, out = load_run(Path(args.run)), Path(args.out)
    began = time.perf_counter()
    reference = reference_pass(*adapter_model(run), test_conversations())
    print(f"reference (adapter): {time.perf_counter() - began:.0f} s", flush=True)
    writers = {"merged bf16": lambda: export_merged(run, out / "merged-bf16", "bf16"),
               "gguf q8_0": lambda: export_gguf(run, out, "q8_0"),
               "gguf f16": lambda: export_gguf(run, out, "f16"),
               "fault: base model, merged bf16": lambda: export_merged(
                   run, out / "base-merged-bf16", "bf16", model=load(run.source, device="cpu").model)}
    for label, write in writers.items():
        began = time.perf_counter()
        path = write()
        written = time.perf_counter() - began
        figures = compare(reference, load_export(path))
        checked = time.perf_counter() - began - written
        size = sum(p.stat().st_size for p in ([path] if path.is_file() else path.rglob("*")) if p.is_file())
        print(f"{label}: {size / 1e6:.0f} MB, written in {written:.0f} s, checked in {checked:.0f} s; "
              f"{figures.line()}; reasons: {reasons(figures) or 'none'}", flush=True)


if __name__ == "__main__":
    main()
