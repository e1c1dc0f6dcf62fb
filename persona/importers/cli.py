"""`persona data import SOURCE PATH --me IDENTITY --out FILE.jsonl`.

Wiring: persona/cli.py calls `register(data_subparsers)` on the subparsers of its `data` group.
On any problem: one line on stderr, exit 2, no output file (records go to a temporary file
that is renamed into place only once everything succeeded).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from .messages import ImportFailed
from .pipeline import READERS, format_summary, import_export

PROGRESS_MIN_MESSAGES = 2000
"""Show a progress bar from this many messages on."""


def register(data_subparsers) -> argparse.ArgumentParser:
    """Add `import` to the `persona data` subcommands."""
    parser = data_subparsers.add_parser(
        "import", help="import a Slack/Discord/email/GitHub/notes export as scrubbed training pairs",
        description="Import an export into training pairs. Secrets and PII are scrubbed before anything "
                    "is written; categories are proposals to review.")
    parser.add_argument("source", choices=sorted(READERS), help="kind of export")
    parser.add_argument("path", type=Path, help="export file or folder (Slack: folder or .zip)")
    parser.add_argument("--me", required=True, help="your user id, name, email or login in that export")
    parser.add_argument("--out", required=True, type=Path, help="JSONL file to write")
    parser.set_defaults(func=run)
    return parser


def _write_jsonl(records: list[dict], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            for record in records:
                stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def run(args: argparse.Namespace) -> int:
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
        result = import_export(args.source, args.path, args.me, progress=progress)
        _write_jsonl(result.records, args.out)
    except ImportFailed as err:
        print(f"persona data import: {err}", file=sys.stderr)
        return 2
    except OSError as err:
        print(f"persona data import: {err.filename or args.out}: {err.strerror}", file=sys.stderr)
        return 2
    finally:
        if bar is not None:
            bar.close()
    print(format_summary(result.summary))
    print(f"wrote {result.summary.pairs_kept} records to {args.out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Standalone entry (`python -m persona.importers.cli`), until persona/cli.py wires it in."""
    parser = argparse.ArgumentParser(prog="persona data")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
