"""`persona preflight`: checks the GPU path before a long run; exits 1 when over budget or broken, 2 on bad input."""
from __future__ import annotations

from persona.cli.exits import fail
from persona.options import add_run_options


def add_preflight(subparsers) -> None:
    parser = subparsers.add_parser("preflight", help="check CUDA, unsloth, model load, VRAM and time before a run")
    add_run_options(parser.add_argument)
    parser.add_argument("--steps", type=int, default=5, help="training steps to measure")
    parser.add_argument("--threshold", action="append", default=[], metavar="ID=VALUE",
                        help="override a VRAM budget in GB (10**9 B), e.g. vram-train=10 (default: persona.criteria)")
    parser.set_defaults(func=cmd_preflight)


def cmd_preflight(args) -> int:
    from persona.config import config_from_cli
    from persona.criteria import CRITERIA, with_overrides
    from persona.preflight import run_preflight

    try:
        config = config_from_cli(args.config, args.set, model=args.model, backend=args.backend)
        criteria = with_overrides(CRITERIA, args.threshold)
    except (ValueError, FileNotFoundError) as err:
        return fail(f"persona preflight: {err}")
    report = run_preflight(config, steps=args.steps, train_budget_gb=criteria["vram-train"].threshold().value,
                           infer_budget_gb=criteria["vram-infer"].threshold().value)
    print(report.render())
    return 0 if report.ok else 1
