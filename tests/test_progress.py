"""Progress with an ETA: the line's arithmetic, silence for quick passes, and lines that reach the terminal
under pytest's output capture."""
from __future__ import annotations

import logging
import subprocess
import sys
import textwrap

import pytest

from persona.progress import LOGGER, Progress, duration, progress_line
from tests.helpers import ROOT

LINES = [
    (("train", 10, 40, 60.0), "train: step 10/40 (25%), 1m00s elapsed, ETA 3m00s"),
    (("train", 40, 40, 245.0), "train: step 40/40 (100%), 4m05s elapsed, done"),
    (("generate", 256, 1024, 8.0, "decode step", "", True),
     "generate: decode step 256/1024 (25%), 8s elapsed, ETA <= 24s"),
    (("train", 0, 40, 3.0, "step", "loss 4.20"), "train: step 0/40 (0%), 3s elapsed, loss 4.20"),
]


@pytest.mark.parametrize("args,expected", LINES, ids=[line for _, line in LINES])
def test_progress_line(args, expected):
    assert progress_line(*args) == expected


def test_duration():
    assert [duration(s) for s in (0, 9.4, 60, 73.4, 3600)] == ["0s", "9s", "1m00s", "1m13s", "60m00s"]


def test_quick_pass_is_silent_and_a_long_one_reports(caplog):
    caplog.set_level(logging.INFO, logger=LOGGER.name)
    quick = Progress("quick", 10, first_after_s=60)
    for _ in range(10):
        quick.advance()
    quick.finish()
    assert not caplog.records, "a pass shorter than first_after_s prints nothing"
    slow = Progress("slow", 4, first_after_s=0, every_s=0)
    for _ in range(4):
        slow.advance(note="loss 1.00")
    slow.finish()
    messages = [r.getMessage() for r in caplog.records]
    assert messages[0].startswith("slow: step 1/4 (25%)") and "ETA" in messages[0] and "loss 1.00" in messages[0]
    assert messages[-1].startswith("slow: step 4/4 (100%)") and "done" in messages[-1]
    assert len(messages) == 4, "the last step's line is the closing line; finish() adds no second one"


def test_lines_reach_the_terminal_through_pytest_capture(tmp_path):
    test_file = tmp_path / "test_progress_demo.py"
    test_file.write_text(textwrap.dedent("""
        from persona.progress import Progress

        def test_long_pass():
            progress = Progress("demo pass", 2, first_after_s=0, every_s=0)
            progress.advance()
            progress.advance()
            print("captured print")
    """))
    done = subprocess.run([sys.executable, "-m", "pytest", str(test_file), "-q", "-p", "no:cacheprovider",
                           "--rootdir", str(ROOT), "-c", str(ROOT / "pyproject.toml"),
                           "-p", "persona.harness.live"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "demo pass: step 1/2 (50%)" in done.stdout, done.stdout
    assert "captured print" not in done.stdout, "ordinary output stays captured"
