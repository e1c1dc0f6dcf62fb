"""`persona export RUN --format merged|gguf [--quant Q] --out DIR`: the trained persona for other runtimes.

Writes the export, then reads it back and holds it to the run as trained on the toy test prompts
(persona.export_check): next-token agreement on the adapter's first 64 greedy tokens, mean KL, the chat template
and eos it carries, and the thinking switch on and off. Exit 0: written and agreeing; 1: written, but the
round trip failed a bar (each reason printed); 2: bad input or a converter that is missing or failed (nothing
written).
"""
from __future__ import annotations

import time
from pathlib import Path

from persona.cli.exits import EXIT_DISAGREES, fail


def add_export(subparsers) -> None:
    from persona.export import FORMATS, GGUF_QUANTS, MERGED_DTYPES

    export = subparsers.add_parser("export", help="write a run as merged safetensors or GGUF, checked against it",
                                   epilog="exit status: 0 written and agreeing; 1 written, round trip failed; "
                                          "2 bad input")
    export.add_argument("run", help="a finished training run folder (result.json and final/)")
    export.add_argument("--format", required=True, choices=FORMATS)
    export.add_argument("--quant", help=f"merged: {', '.join(MERGED_DTYPES)} (default bf16); gguf: "
                                        f"{', '.join(GGUF_QUANTS)} (default q8_0)")
    export.add_argument("--out", required=True, help="output folder")
    export.add_argument("--no-check", action="store_true", help="write only; skip the round-trip check")
    export.set_defaults(func=cmd_export)


def cmd_export(args) -> int:
    from persona.export import DEFAULT_QUANT, ExportError, export_gguf, export_merged, load_run

    quant = args.quant or DEFAULT_QUANT[args.format]
    out = Path(args.out)
    try:
        run = load_run(Path(args.run))
        name = Path(args.run).resolve().name  # the folder named, also where its weights are in the cache
        began = time.perf_counter()
        if args.format == "merged":
            written = export_merged(run, out / f"{name}-merged-{quant}", quant)
        else:
            written = export_gguf(run, out, quant, name=name)
    except (ExportError, ValueError) as err:  # ValueError: e.g. an adapter on NF4 weights off CUDA
        return fail(f"persona export: {err}", one_line=True)
    seconds = time.perf_counter() - began
    print(f"persona export: wrote {written} ({_size_mb(written):.0f} MB) in {seconds:.0f} s")
    if args.no_check:
        return 0
    from persona.export_check import check_run

    figures, reasons = check_run(run, written)
    print(f"persona export: {figures.line()}")
    for reason in reasons:
        print(f"persona export: does not agree: {reason}")
    return EXIT_DISAGREES if reasons else 0


def _size_mb(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 1e6
