"""Time `persona data import zendesk` on a generated Zendesk JSON export (one ticket with its comments a line).

    python scripts/bench_tickets.py                     # 50,000 tickets (~200,000 comments), prints seconds
    python scripts/bench_tickets.py --tickets 5000

Budget: 10 s per 10,000 messages read (the scale of scripts/bench_import.py), so the budget grows with the
export. Each ticket is a customer's question and one to three rounds of agent replies and customer follow-ups,
with private notes, attachment-only comments, mail replies quoting the thread, trigger comments, and a secret
or PII in ~5% of the comments; "me" (agent 1) answers about a third of the tickets. Prints wall and CPU seconds,
messages/s and the peak memory of the process; exits 1 when the wall time is over budget.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

AGENTS = [1, 2, 3]
QUESTIONS = [
    "Hi, my order {n} hasn't arrived and the tracking page has said 'label created' for a week. Can you check?",
    "The export button does nothing in Safari 17. I tried clearing the cache and logging in again.",
    "We were charged twice this month for the Team plan. Can you refund one of the charges?",
    "How do I add a second admin to our workspace? The invite link says I don't have permission.",
    "Our webhook started failing with 401 after yesterday's release, nothing changed on our side.",
]
REPLIES = [
    "Hi, thanks for the details. I've checked with the carrier and the parcel is at the depot; it goes out tomorrow.",
    "Sorry about that. It's a known Safari issue and the fix ships on Thursday. Until then Chrome or Firefox work.",
    "You're right, the second charge was a duplicate. I've refunded it, so it shows within 5 working days.",
    "Only the account owner can invite admins. I've sent them a note; once they accept, you'll see the option.",
    "The release rotated the signing secret. Please copy the new one from Settings > Webhooks and it will verify.",
]
FOLLOW_UPS = ["Thanks, that worked.", "Still not working for me, I'm afraid.", "Great, and can I get an invoice?",
              "Thank you! One more question about billing: is VAT included?"]
PLANTED = ["You can call me on +44 7911 12{n:04d}.", "My email is customer{n}@example.org.",
           "Card 4111 1111 1111 1111 was charged.", "Our API key is sk_live_4eC39HqLyjWD{n:04d}rjtT1zdp7dc.",
           "IBAN DE89 3704 0044 0532 0130 00 please."]


def _text(rng: random.Random, options: list[str], n: int) -> str:
    text = rng.choice(options).format(n=n)
    return f"{text} {rng.choice(PLANTED).format(n=n % 10000)}" if rng.random() < 0.05 else text


def _comments(rng: random.Random, n: int, t: float, customer: int, agent: int) -> list[dict]:
    comments = [{"id": 10 * n, "type": "Comment", "author_id": customer, "body": _text(rng, QUESTIONS, n),
                 "public": True, "attachments": [], "via": {"channel": "web"}, "created_at": t}]
    for round_ in range(rng.randint(1, 3)):
        t += rng.choice([600, 3600, 7200, 86400])
        if rng.random() < 0.2:
            comments.append({"id": 10 * n + 5 + round_, "author_id": agent, "body": "Checked the logs, see above.",
                             "public": False, "via": {"channel": "web"}, "created_at": t - 60})
        comments.append({"id": 10 * n + 2 * round_ + 1, "author_id": agent, "body": _text(rng, REPLIES, n),
                         "public": True, "attachments": [], "via": {"channel": "web"}, "created_at": t})
        t += rng.choice([3600, 86400])
        follow = _text(rng, FOLLOW_UPS, n) + "\n\nOn Mon, 4 Mar 2024 at 10:00, Support wrote:\n> earlier words"
        comments.append({"id": 10 * n + 2 * round_ + 2, "author_id": customer, "body": follow, "public": True,
                         "attachments": [{"id": n, "file_name": "shot.png"}] if rng.random() < 0.05 else [],
                         "via": {"channel": "email"}, "created_at": t})
    if rng.random() < 0.1:
        comments.append({"id": 10 * n + 9, "author_id": -1, "body": "Your request was solved.", "public": True,
                         "via": {"channel": "rule"}, "created_at": t + 86400})
    return comments


def make_export(path: Path, n_tickets: int, seed: int = 0) -> None:
    """Write `n_tickets` ticket lines and the users' lines, as the Zendesk JSON export does."""
    rng = random.Random(seed)
    start = 1_700_000_000.0
    with open(path, "w", encoding="utf-8") as stream:
        for n in range(n_tickets):
            t = start + n * 600
            comments = _comments(rng, n, t, customer=1000 + n % 5000, agent=rng.choice(AGENTS))
            for comment in comments:
                comment["created_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(comment["created_at"]))
            stream.write(json.dumps({"id": n, "subject": f"Ticket {n}", "status": "solved", "requester_id": 1000,
                                     "comments": comments}) + "\n")
        for agent in AGENTS:
            stream.write(json.dumps({"id": agent, "name": f"Agent {agent}", "email": f"agent{agent}@example.com",
                                     "role": "agent"}) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=50_000, help="tickets in the generated export")
    parser.add_argument("--seconds-per-10k", type=float, default=10.0, help="budget per 10,000 messages read")
    args = parser.parse_args(argv)
    from persona.importers import format_summary, import_export

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "tickets.json"
        make_export(path, args.tickets)
        size_mib = path.stat().st_size / 2**20
        start, start_cpu = time.perf_counter(), time.process_time()
        result = import_export("zendesk", path, "agent1@example.com")
        import_s, cpu_s = time.perf_counter() - start, time.process_time() - start_cpu
    read = result.summary.messages_read
    budget_s = args.seconds_per_10k * read / 10_000
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(format_summary(result.summary))
    print(f"export: {args.tickets} tickets, {size_mib:.0f} MiB; peak memory {peak_mib:.0f} MiB")
    print(f"import_seconds: {import_s:.1f} for {read} messages ({read / import_s:.0f} messages/s; "
          f"budget {budget_s:.0f} s); cpu_seconds: {cpu_s:.1f} (a busy machine stretches the first, not this)")
    return 0 if import_s <= budget_s else 1


if __name__ == "__main__":
    sys.exit(main())
