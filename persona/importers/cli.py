"""`persona data import SOURCE PATH --me IDENTITY --out FILE.jsonl`.

Wiring: persona/cli.py calls `register(data_subparsers)` on the subparsers of its `data` group.
On any problem: one line on stderr, exit 2, no output file (records go to a temporary file
that is renamed into place only once everything succeeded).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from persona import atomic
from persona.data import json_line

from .files import check_output
from .messages import ImportFailed
from .pipeline import format_summary, import_export
from .sources import all_sources, source_names

PROGRESS_MIN_MESSAGES = 2000
"""Show a progress bar from this many messages on."""


def register(data_subparsers) -> argparse.ArgumentParser:
    """Add `import` to the `persona data` subcommands."""
    kinds = "/".join(source.label for source in all_sources())
    parser = data_subparsers.add_parser(
        "import", help=f"import a {kinds} export as scrubbed training pairs",
        description="Import an export into training pairs. Secrets and PII are scrubbed before anything "
                    "is written; categories are proposals to review.")
    parser.add_argument("source", choices=source_names(), help="kind of export")
    parser.add_argument("path", type=Path, help="export file or folder (Slack: folder or .zip)")
    parser.add_argument("--me", required=True, help="your user id, name, email or login in that export")
    parser.add_argument("--out", required=True, type=Path, help="JSONL file to write (a new file outside the export)")
    parser.add_argument("--region", help="country of phone numbers written without a country code, e.g. DE "
                                         "(default: the locale's, else US)")
    parser.add_argument("--redact-private-ips", action="store_true",
                        help="also redact private addresses (10.x, 192.168.x); public ones always are")
    parser.set_defaults(func=run)
    return parser


def _fail(message: str) -> int:
    print(f"persona data import: {' '.join(message.split())}", file=sys.stderr)
    return 2


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
        check_output(args.out, args.path)
        result = import_export(args.source, args.path, args.me, progress=progress, region=args.region,
                               redact_private_ips=args.redact_private_ips)
        atomic.write_text(args.out, "".join(json_line(record) for record in result.records))
    except ImportFailed as err:
        return _fail(str(err))
    except ValueError as err:  # a bad --region
        return _fail(f"{args.path}: {err}")
    except OSError as err:
        return _fail(f"{err.filename or args.out}: {err.strerror or err}")
    except (RecursionError, MemoryError, LookupError, TypeError, AttributeError) as err:
        # A shape no reader rule foresaw: still one line naming the export, never a traceback.
        return _fail(f"{args.path}: cannot import ({type(err).__name__}: {err})")
    finally:
        if bar is not None:
            bar.close()
    print(format_summary(result.summary))
    print(f"wrote {result.summary.pairs_kept} records to {args.out}")
    return 0
