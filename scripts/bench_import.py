"""Time `persona data import slack` on a synthetic 10,000-message Slack export.

    python scripts/bench_import.py                 # 10,000 messages, prints seconds
    python scripts/bench_import.py --messages 50000 --budget-s 10

Goal: <= 10 s for 10,000 messages on the 2-core CI machine. The export mixes chat, code,
links, mentions, emoji, threads, bots and joins, and plants a secret or PII in ~5% of the
messages, so the scrubber's slow paths (phone numbers, entropy) run as they would for real.
Exits 1 when over --budget-s.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

USERS = ["U01ADA", "U02BRAM", "U03CLEO", "U05DEV", "U06EVE"]
TEXTS = [
    "Shipped v2.3.{n} to staging, <@U02BRAM> can you check the dashboards? :eyes:",
    "I think we should keep the retry at 3 because the upstream rate-limits us. Let's leave it.",
    "lol yes, lunch at 12:30? :tada:",
    "See <https://github.com/fernhollow/queue/pull/{n}|PR #{n}>, the failing test is test_retry_backoff.",
    "Latency went from 420 ms to 95 ms after the cache change, 77% better.",
    "```\nfor job in queue.fetch(limit=100):\n    job.run()\n```\nthis loop is the hot path",
    "Standup moved to 10:15 tomorrow, agenda in #eng-backend",
    "Can someone review the migration migration_20240315_add_users before {n}:00?",
]
PLANTED = [
    "my number is +44 20 7946 0{n:03d}",
    "send it to person{n}@example.org",
    "card 4111 1111 1111 1111 for the order",
    "the key is AKIAQ3EXAMPLEZT4W7PL",
    "token ghp_R4nd0mF4k3T0k3nF0rT3st1ngPurp0s3sXYZ",
    "IBAN DE89 3704 0044 0532 0130 00",
]


def make_export(folder: Path, n_messages: int, seed: int = 0) -> None:
    """Write a Slack export with `n_messages` messages over 4 channels, 100 per day file."""
    rng = random.Random(seed)
    users = [{"id": u, "name": u.lower(), "real_name": u, "profile": {"display_name": u[3:].title()}}
             for u in USERS]
    (folder / "users.json").write_text(json.dumps(users))
    channels = ["general", "eng-backend", "random", "ops"]
    (folder / "channels.json").write_text(json.dumps([{"id": f"C{i}", "name": c} for i, c in enumerate(channels)]))
    t = 1_700_000_000.0
    for day in range(n_messages // 100):
        channel = channels[day % len(channels)]
        (folder / channel).mkdir(exist_ok=True)
        batch, thread = [], None
        for i in range(100):
            t += rng.choice([20, 60, 240, 900, 3600])
            n = day * 100 + i
            text = (rng.choice(PLANTED) if rng.random() < 0.05 else rng.choice(TEXTS)).format(n=n % 1000)
            msg = {"type": "message", "user": rng.choice(USERS), "text": text, "ts": f"{t:.6f}"}
            if rng.random() < 0.03:
                msg.update(subtype="channel_join", text="joined")
            elif rng.random() < 0.03:
                msg.update(subtype="bot_message", bot_id="B1", text="Deploy finished")
            if thread and rng.random() < 0.3:
                msg["thread_ts"] = thread
            elif rng.random() < 0.05:
                thread = msg["thread_ts"] = msg["ts"]
                msg["reply_count"] = 3
            batch.append(msg)
        stamp = time.strftime("%Y-%m-%d", time.gmtime(1_700_000_000 + day * 86400))
        (folder / channel / f"{stamp}.json").write_text(json.dumps(batch))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=10_000, help="messages in the synthetic export")
    parser.add_argument("--budget-s", type=float, default=10.0, help="fail above this many seconds")
    args = parser.parse_args(argv)
    from persona.importers import format_summary, import_export

    with tempfile.TemporaryDirectory() as tmp:
        make_export(Path(tmp), args.messages)
        start = time.perf_counter()
        result = import_export("slack", Path(tmp), "U01ADA")
        import_s = time.perf_counter() - start
    print(format_summary(result.summary))
    print(f"import_seconds: {import_s:.2f} for {result.summary.messages_read} messages "
          f"(budget {args.budget_s:.0f} s)")
    return 0 if import_s <= args.budget_s else 1


if __name__ == "__main__":
    sys.exit(main())
