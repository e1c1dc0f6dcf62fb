"""`persona data`: dataset tools.

    persona data check FILE...                              validate JSONL, every problem as path:line
    persona data split FILE --out DIR                       stratified 50/10 split with the 15/15/30 mix
    persona data import SOURCE PATH --me ID --out FILE.jsonl   an export as scrubbed training pairs

`data check` exits 1 when it finds problems. `data import` reports any problem in one line, exits 2 and
writes no output file (records go to a temporary file that is renamed into place only once everything
succeeded).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from persona import atomic
from persona.cli.exits import fail
from persona.data import TOY_MIX, DataError, json_line
from persona.importers.files import check_output
from persona.importers.messages import ImportFailed
from persona.importers.pipeline import format_summary, import_export
from persona.importers.sources import all_sources, source_names

PROGRESS_MIN_MESSAGES = 2000
"""Show a progress bar from this many messages on."""


def add_data(subparsers) -> None:
    data = subparsers.add_parser("data", help="dataset tools").add_subparsers(dest="data_command", required=True)
    check = data.add_parser("check", help="validate JSONL files; every problem as path:line")
    check.add_argument("files", nargs="+", metavar="FILE", help="JSONL dataset file(s), one example per line")
    check.set_defaults(func=cmd_data_check)
    split = data.add_parser("split", help="stratified train/test split with the 15/15/30 mix")
    split.add_argument("file", help="JSONL pool of examples to split")
    split.add_argument("--out", required=True, help="folder for train.jsonl and test.jsonl")
    split.add_argument("--n-test", type=int, default=10)
    split.add_argument("--seed", type=int, default=3407)
    split.set_defaults(func=cmd_data_split)
    _add_import(data)


def _add_import(data_subparsers) -> None:
    kinds = "/".join(source.label for source in all_sources())
    parser = data_subparsers.add_parser(
        "import", help=f"import a {kinds} export as scrubbed training pairs",
        description="Import an export into training pairs. Secrets and PII are scrubbed before anything "
                    "is written; categories are proposals to review.")
    parser.add_argument("source", choices=source_names(), help="kind of export")
    parser.add_argument("path", type=Path, help="export file or folder (Slack: folder or .zip; Jira, Zendesk: a file or a folder of pages)")
    parser.add_argument("--me", required=True, help="your user id, name, email or login in that export")
    parser.add_argument("--out", required=True, type=Path, help="JSONL file to write (a new file outside the export)")
    parser.add_argument("--region", help="country of phone numbers written without a country code, e.g. DE "
                                         "(default: the locale's, else US)")
    parser.add_argument("--keep-private-ips", action="store_true",
                        help="keep private addresses (10.x, 192.168.x, fd00::); by default every IP is redacted")
    parser.add_argument("--include-internal", action="store_true",
                        help="ticket exports: also pair internal notes (private Zendesk comments, internal or "
                             "restricted Jira comments); left out by default")
    parser.set_defaults(func=cmd_data_import)


def cmd_data_check(args) -> int:
    from persona.data import load_jsonl, mix

    try:
        examples = load_jsonl(*map(Path, args.files))
    except DataError as err:
        print("\n".join(err.problems), file=sys.stderr)
        print(f"{len(err.problems)} problem(s) found", file=sys.stderr)
        return 1
    counts = mix(examples)
    print(f"ok: {len(examples)} examples ({', '.join(f'{c} {counts.get(c, 0)}' for c in TOY_MIX)})")
    return 0


def cmd_data_split(args) -> int:
    from persona.data import load_jsonl, mix_shortfall, select_mix, split, write_jsonl_files

    try:
        pool = load_jsonl(Path(args.file))
    except DataError as err:
        return fail("\n".join(err.problems))
    wanted = sum(TOY_MIX.values())
    short = mix_shortfall(pool)
    if short:
        print(f"note: the pool is short of the 15/15/30 mix ({'; '.join(short)}); splitting what there is",
              file=sys.stderr)
    chosen = select_mix(pool, seed=args.seed) if len(pool) > wanted and not short else pool
    try:
        train, test = split(chosen, n_test=args.n_test, seed=args.seed)
    except ValueError as err:
        return fail(f"{args.file}: {err}")
    out = Path(args.out)
    try:
        write_jsonl_files({out / "train.jsonl": train, out / "test.jsonl": test})
    except OSError as err:
        return fail(f"persona data split: {err.filename or out}: {err.strerror or err}; nothing written")
    print(f"wrote {out / 'train.jsonl'} ({len(train)}) and {out / 'test.jsonl'} ({len(test)})")
    return 0


def cmd_data_import(args: argparse.Namespace) -> int:
    """Import, write, print the summary; 0 on success, 2 on a bad export or argument."""
    from tqdm import tqdm

    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None and total >= PROGRESS_MIN_MESSAGES:
            bar = tqdm(total=total, desc="scrubbing", unit="msg", file=sys.stderr, leave=False)
        if bar is not None:
            bar.update(done - bar.n)

    try:
        check_output(args.out, args.path)
        result = import_export(args.source, args.path, args.me, progress=progress, region=args.region,
                               keep_private_ips=args.keep_private_ips, include_internal=args.include_internal)
        atomic.write_text(args.out, "".join(json_line(record) for record in result.records))
    except ImportFailed as err:
        return fail(f"persona data import: {err}", one_line=True)
    except ValueError as err:  # a bad --region
        return fail(f"persona data import: {args.path}: {err}", one_line=True)
    except OSError as err:
        return fail(f"persona data import: {err.filename or args.out}: {err.strerror or err}", one_line=True)
    except (RecursionError, MemoryError, LookupError, TypeError, AttributeError) as err:
        # A shape no reader rule foresaw: still one line naming the export, never a traceback.
        return fail(f"persona data import: {args.path}: cannot import ({type(err).__name__}: {err})",
                    one_line=True)
    finally:
        if bar is not None:
            bar.close()
    print(format_summary(result.summary))
    print(f"wrote {result.summary.pairs_kept} records to {args.out}")
    return 0
