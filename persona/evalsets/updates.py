"""The updates compression set: facts the assistant states, facts corrected later, several facts in one
sentence, numeric look-alikes, and conversations of 6 to 300 messages.

Each conversation plants 2-4 facts in turns 1-2 in one of six forms (FORMS): the user states it; the
assistant answers the user's question with it; the assistant answers a request with it and the user
accepts without repeating it; the user states a value and corrects it in the same message; the user
states it and corrects or updates it in a later turn; the assistant proposes a value and the user
replaces it in turn 2. A corrected fact's `value` is the current one and `supersedes` the one it
replaced (`corrected_turn`: where). Two facts the user states in one turn may share a sentence
(`multi`); numeric facts get a later look-alike one digit away ("8443" / "18443", "1 October" /
"11 October"; `look_alike`) besides the usual later values of the same kind. History lengths come
in three bands (LENGTH_BANDS), a third of the conversations each. The halves share no domain and no
phrasing family (persona/evalsets/gen_domains.py, gen_templates.py, gen_updates.py).

    python -m persona.evalsets.updates --out /tmp/updates     # write them as fixture JSON files to read
"""
from __future__ import annotations

import functools

from persona.compression.evaluation import Conversation
from persona.evalsets import gen_updates as phrases
from persona.evalsets import gen_values as values
from persona.evalsets.gen_domains import DOMAINS, GENERIC_CHATTER, GENERIC_FILLER, TEST_DOMAINS, TUNING_DOMAINS
from persona.evalsets.gen_templates import ASK, DISTRACT, PLANT, QUESTION, STATE
from persona.evalsets.generated import _distinct, _sentence, draw, write_all
from persona.values import contains_value

SEED = 41
"""Seed of the whole set."""
PER_HALF = 90
"""Conversations in each half."""
LENGTH_BANDS = {"short": (6, 12), "medium": (14, 78), "long": (80, 300)}
"""Band -> fewest and most history messages; conversations cycle through the bands."""
HISTORY_LENGTHS = (6, 300)
FORMS = {"user": 0.25, "asked": 0.15, "requested": 0.15, "self-corrected": 0.1, "corrected-later": 0.25,
         "proposal-replaced": 0.1}
"""Form of a planted fact -> its chance."""
SAID_BY = {"user": "user", "asked": "assistant", "requested": "assistant", "self-corrected": "user",
           "corrected-later": "user", "proposal-replaced": "user"}
NUMERIC = ("port", "date", "version", "amount", "latency", "host")
"""Kinds that get a look-alike one digit away."""
HALVES = {"tune": (TUNING_DOMAINS, 0), "test": (TEST_DOMAINS, 1)}


def _make(kind: str, rng, domain, taken: list[str], distractor: bool = False) -> str:
    while True:
        if kind == "decision":
            value = rng.choice(domain.options)
        elif kind == "host":
            value = phrases.host(rng)
        else:
            value = (values.DISTRACTOR_MAKERS if distractor else values.MAKERS)[kind](rng)
        if _distinct(value, taken):
            taken.append(value)
            return value


def _table(table: dict, kind: str, host: tuple, family: int) -> list[str]:
    return host[family] if kind == "host" else table[kind][family]


def _fact(rng, domain, kind: str, thing: str, turn: int, taken: list[str]) -> dict:
    form = rng.choices(list(FORMS), weights=list(FORMS.values()))[0]
    if form == "proposal-replaced" and turn != 1 or kind == "decision" and form != "user":
        form = "user" if kind == "decision" else "corrected-later"
    fact = {"key": f"{kind}: {thing}", "kind": kind, "thing": thing, "turn": turn, "form": form,
            "said_by": SAID_BY[form], "value": _make(kind, rng, domain, taken), "alt": ""}
    if kind == "decision":
        fact["alt"] = _make(kind, rng, domain, taken)
    if "correct" in form or form == "proposal-replaced":
        fact["supersedes"] = _make(kind, rng, domain, taken)
    return fact


def _say(rng, fact: dict, family: int, said: dict) -> None:
    """Put the fact's sentences into `said[(turn, role)]`; a later correction's turn is set by the caller."""
    slots = {"v": fact["value"], "alt": fact["alt"], "thing": fact["thing"], "old": fact.get("supersedes", "")}
    kind, turn, form = fact["kind"], fact["turn"], fact["form"]
    pick = rng.choice
    if form == "asked":
        said.setdefault((turn, "user"), []).append(_sentence(pick(_table(ASK, kind, phrases.HOST_ASK, family)), **slots))
        said.setdefault((turn, "assistant"), []).append(
            _sentence(pick(_table(STATE, kind, phrases.HOST_STATE, family)), **slots))
    elif form in ("requested", "proposal-replaced"):
        said.setdefault((turn, "user"), []).append(_sentence(pick(phrases.REQUEST[kind][family]), **slots))
        stated = {**slots, "v": slots["old"]} if form == "proposal-replaced" else slots
        said.setdefault((turn, "assistant"), []).append(
            _sentence(pick(_table(STATE, kind, phrases.HOST_STATE, family)), **stated))
        answer = pick(phrases.REJECT_PROPOSAL[family]).format(**slots) if form == "proposal-replaced" else \
            pick(phrases.ACCEPT[family])
        if form == "proposal-replaced" or not set(said.get((turn + 1, "user"), [])) & set(phrases.ACCEPT[family]):
            said.setdefault((turn + 1, "user"), []).append(_sentence(answer, **slots) if "{" in answer else answer)
        fact["corrected_turn"] = turn + 1 if form == "proposal-replaced" else None
    elif form == "self-corrected":
        said.setdefault((turn, "user"), []).append(_sentence(pick(phrases.SELF_CORRECT[family]), **slots))
        fact["corrected_turn"] = turn
    else:
        stated = {**slots, "v": slots["old"]} if form == "corrected-later" else slots
        said.setdefault((turn, "user"), []).append(
            _sentence(pick(_table(PLANT, kind, phrases.HOST_PLANT, family)), **stated))


def _join_two(rng, sentences: list[str]) -> bool:
    """Two statements of one user message made one sentence: "A, and b." Returns whether it happened."""
    if len(sentences) < 2 or rng.random() < 0.5:
        return False
    first, second = sentences[-2], sentences[-1]
    sentences[-2:] = [f"{first.rstrip('.')}, and {second[0].lower()}{second[1:]}"]
    return True


def _later(rng, fact: dict, family: int, n_turns: int, said: dict, taken: list[str], domain) -> list[dict]:
    """The fact's correction (if corrected later), its later look-alikes; returns the distractors."""
    slots = {"v": fact["value"], "old": fact.get("supersedes", ""), "thing": fact["thing"]}
    if fact["form"] == "corrected-later":
        turn = rng.randint(fact["turn"] + 1, max(fact["turn"] + 1, min(n_turns, 3 + n_turns // 3)))
        said.setdefault((turn, "user"), []).append(_sentence(rng.choice(phrases.LATER_CORRECT[family]), **slots))
        fact["corrected_turn"] = turn
    distractors = []
    for _ in range(rng.randint(1, 2)):
        turn, value = rng.randint(3, n_turns), _make(fact["kind"], rng, domain, taken, distractor=True)
        template = rng.choice(_table(DISTRACT, fact["kind"], phrases.HOST_DISTRACT, family))
        said.setdefault((turn, "user" if rng.random() < 0.7 else "assistant"), []).append(_sentence(template, d=value))
        distractors.append({"value": value, "turn": turn, "confuses": fact["key"]})
    if fact["kind"] in NUMERIC and rng.random() < 0.7:
        value = phrases.look_alike(fact["value"], fact["kind"], rng)
        if not contains_value(value, fact["value"]) and not contains_value(fact["value"], value):
            turn = rng.randint(3, n_turns)
            said.setdefault((turn, "user"), []).append(_sentence(rng.choice(phrases.LOOK_ALIKE[family]), d=value))
            distractors.append({"value": value, "turn": turn, "confuses": fact["key"], "look_alike": True})
            fact["look_alike"] = value
    return distractors


def _question(rng, facts: list[dict], family: int) -> tuple[str, list[dict]]:
    asked = rng.sample(facts, 2 if len(facts) > 2 and rng.random() < 0.3 else 1)
    parts = []
    for f in asked:
        if "supersedes" in f:
            template = rng.choice(phrases.CURRENT_QUESTION[family])
        else:
            template = rng.choice(_table(QUESTION, f["kind"], phrases.HOST_QUESTION, family))
        parts.append(template.format(thing=f["thing"]))
    question = " ".join(parts)
    return question[0].upper() + question[1:], asked


def build_conversation(rng, domain, family: int, name: str) -> Conversation:
    """One conversation of the band its index picks (see the module docstring)."""
    band = list(LENGTH_BANDS.values())[int(name.split("-")[2]) % len(LENGTH_BANDS)]
    n_turns = rng.randint(band[0] // 2, band[1] // 2)
    kinds = rng.sample([*domain.kinds, "host"] if "port" in domain.kinds else list(domain.kinds),
                       rng.randint(2, min(4, len(domain.things))))
    things = rng.sample(domain.things, len(kinds))
    taken: list[str] = []
    split = rng.randint(1, len(kinds) - 1)
    facts = [_fact(rng, domain, kind, thing, 1 if i < split else 2, taken) for i, (kind, thing) in
             enumerate(zip(kinds, things))]
    said: dict = {(1, "user"): [rng.choice(domain.opener)]}
    for turn in (1, 2):
        for fact in (f for f in facts if f["turn"] == turn):
            before = len(said.get((turn, "user"), []))
            _say(rng, fact, family, said)
            if fact["form"] == "user" and before and _join_two(rng, said[(turn, "user")]):
                fact["multi"] = True
    distractors = [d for f in facts for d in _later(rng, f, family, n_turns, said, taken, domain)]
    messages = []
    for turn in range(1, n_turns + 1):
        user = said.get((turn, "user")) or [rng.choice(domain.chatter + GENERIC_CHATTER)]
        reply = [*said.get((turn, "assistant"), []), *rng.sample(list(domain.filler) + list(GENERIC_FILLER),
                                                                  rng.randint(3, 6))]
        messages += [{"role": "user", "content": " ".join(user)}, {"role": "assistant", "content": " ".join(reply)}]
    question, asked = _question(rng, facts, family)
    keep = ("key", "value", "turn", "said_by", "kind", "form", "supersedes", "corrected_turn", "multi", "look_alike")
    planted = [{k: f[k] for k in keep if f.get(k) is not None} for f in facts]
    return Conversation(name, messages, question, planted, [f["value"] for f in asked], distractors)


@functools.lru_cache(maxsize=None)
def generate(seed: int = SEED, per_half: int = PER_HALF) -> tuple[Conversation, ...]:
    """Both halves, tuning first; every conversation checked like a fixture file."""
    return draw(build_conversation, DOMAINS, HALVES, HISTORY_LENGTHS, seed, per_half, prefix="upd-")


def tuning_set() -> list[Conversation]:
    return [c for c in generate() if c.name.startswith("upd-tune-")]


def test_set() -> list[Conversation]:
    return [c for c in generate() if c.name.startswith("upd-test-")]


def main(argv=None) -> int:
    return write_all(generate(), __doc__.splitlines()[0], argv)


if __name__ == "__main__":
    raise SystemExit(main())
