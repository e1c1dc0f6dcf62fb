"""Phrasings and values of the updates set (persona/evalsets/updates.py), two families like
persona/evalsets/gen_templates.py: family 0 builds the tuning half, family 1 the test half.

Slots: {v} the current value, {old} the value it replaces, {thing} what the fact is about.
"""
from __future__ import annotations

import re

HOST_HEADS = "pg redis web api kafka es mq db cache worker".split()
HOST_ENVS = "prod stg eu us dr blue green".split()


def host(rng) -> str:
    """An identifier with a number in it: "pg-prod-03"."""
    return f"{rng.choice(HOST_HEADS)}-{rng.choice(HOST_ENVS)}-{rng.randint(1, 19):02d}"


def look_alike(value: str, kind: str, rng) -> str:
    """A value one digit away from `value` that a substring match takes for it: 8443 -> 18443,
    1 October -> 11 October, 23 April -> 13 April, 2.3.1 -> 2.3.11, pg-prod-03 -> pg-prod-13, 340 ms -> 3405 ms."""
    runs = list(re.finditer(r"\d+", value))
    if not runs:
        return value + "2"
    if kind == "date":
        run = [r for r in runs if len(r.group()) <= 2][-1]
        new = str(int(run.group()) + 10 if int(run.group()) <= 18 else int(run.group()) - 10)
    elif kind in ("port", "amount"):
        run = runs[0]
        new = rng.choice("123456789") + run.group() if kind == "port" else run.group() + str(rng.randint(0, 9))
    else:
        run = runs[-1]
        new = run.group() + str(rng.randint(1, 9)) if kind != "host" else f"{(int(run.group()) + 10) % 100:02d}"
    return value[:run.start()] + new + value[run.end():]


SELF_CORRECT = (
    ["{thing} is on {old}. Wait, no, sorry: it's {v}.", "For {thing} it's {old}, actually make that {v}.",
     "{thing} uses {old}, sorry, I mean {v}."],
    ["{thing}: {old}... hang on, I misread, it's {v}.", "We set {old} for {thing}, no wait, {v}.",
     "{thing} was {old}, scratch that, {v}."])
"""Kind-free: a user states a value and corrects it in the same message."""

LATER_CORRECT = (
    ["Correction to what I said before: {thing} is {v}, not {old}.", "Scratch that, {thing} moved from {old} to {v}.",
     "Update on {thing}: it changed to {v}.", "I got {thing} wrong earlier, it's {v}."],
    ["Small fix: I gave you the wrong one for {thing} earlier, it's {v}.",
     "Heads up, {thing} changed: {v} now, no longer {old}.", "{thing} got bumped to {v}.",
     "Ignore the {old} I mentioned for {thing}; the right one is {v}."])
"""A later user message correcting or updating a value of turn 1-2."""

REJECT_PROPOSAL = (
    ["{old} won't work for us; let's make {thing} {v} instead.", "Not {old}, we'll go with {v} for {thing}."],
    ["Hmm, {old} is a no-go. Put {thing} on {v}.", "Can we do {v} for {thing}? {old} clashes with something."])
"""A user in turn 2 replacing the value the assistant proposed in turn 1."""

ACCEPT = (["Sounds good, let's do that.", "Perfect, go with that.", "Great, that works."],
          ["Deal.", "Okay, book it.", "Fine by me, lock it in."])
"""A user accepting what the assistant proposed (no value repeated)."""

REQUEST = {
    "person": (["Find someone to own {thing}."], ["Pick an owner for {thing}, please."]),
    "port": (["Propose a port for {thing}."], ["Suggest a port for {thing}."]),
    "latency": (["Propose a latency target for {thing}."], ["Set a timing goal for {thing}."]),
    "flag": (["Suggest a flag name for {thing}."], ["Name the toggle for {thing}."]),
    "date": (["Propose a date for {thing}."], ["Find a day for {thing}."]),
    "place": (["Suggest a place for {thing}."], ["Find a spot for {thing}."]),
    "version": (["Tell me which version of {thing} to pin."], ["Pick a safe release of {thing}."]),
    "amount": (["Give me a budget for {thing}."], ["Estimate what {thing} costs."]),
    "host": (["Pick a host for {thing}."], ["Choose the primary for {thing}."]),
}
"""Kind -> (family 0, family 1) requests without a question mark; the assistant answers with a value."""

HOST_PLANT = (["The primary for {thing} is {v}.", "{thing} runs on {v}."],
              ["{thing} lives on {v} these days.", "Point {thing} at {v}."])
HOST_STATE = (["I'd put {thing} on {v}.", "Use {v} for {thing}."], ["{v} is the best box for {thing}.",
                                                                      "Go with {v} for {thing}."])
HOST_ASK = (["Which host should {thing} use?"], ["Where should {thing} run?"])
HOST_DISTRACT = (["The replica is {d}.", "Staging points at {d}."], ["The old primary was {d}.",
                                                                     "Reports read from {d}."])
HOST_QUESTION = (["Which host is {thing} on now?"], ["Remind me which box {thing} runs on."])

LOOK_ALIKE = (["Unrelated, but the other one is {d}.", "Don't mix it up with {d}, that's something else."],
              ["Side note: {d} belongs to another team.", "There's also {d} floating around, ignore it."])
"""A later sentence carrying a numeric look-alike of a planted value."""

CURRENT_QUESTION = (["What is {thing} now, after the changes?", "What's the current value for {thing}?"],
                    ["Where did we land on {thing} in the end?", "What's the latest on {thing}?"])
"""A question about a corrected fact: the answer is the current value."""
