"""Exit statuses of the `persona` command, and its one error exit: the message on stderr, status 2."""
from __future__ import annotations

import sys

from persona.decision import EXIT_BAD_INPUT, EXIT_CODES

EXIT_DISAGREES = 1
"""`persona export`: the export was written, but reading it back does not agree with the run."""
EXIT_INTERRUPTED = 130
"""Ctrl-C, as a shell reports it."""
VERDICT_EXITS = ", ".join(f"{code} {verdict}" for verdict, code in EXIT_CODES.items())
EXIT_HELP = f"exit status: {VERDICT_EXITS}; {EXIT_BAD_INPUT} bad input or usage; {EXIT_INTERRUPTED} interrupted"
"""The epilog of the commands that end in a verdict (evaluate, decide)."""


def fail(message: str, *, one_line: bool = False) -> int:
    """Print `message` on stderr and return the bad-input status; `one_line` folds its line breaks and runs of
    spaces into single spaces (for commands whose errors are one line, however the cause was worded)."""
    print(" ".join(message.split()) if one_line else message, file=sys.stderr)
    return EXIT_BAD_INPUT
