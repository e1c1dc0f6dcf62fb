"""The decision record on disk: the run's facts gathered once, written into the junit report (suite properties)
and into decision.json; the outcomes and facts read back from a junit file, so `persona decide` recomputes
the decision the run printed.

Suite properties (`<testsuite><properties>`): persona_model, persona_plan_model, persona_kind, persona_stand_in,
persona_machine, persona_cuda, persona_version, persona_commit, persona_threshold (one per --threshold).
"""
from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import fields
from importlib import metadata
from pathlib import Path
from typing import Mapping

from persona.criteria import CRITERIA, Criterion, with_overrides
from persona.decision import Decision, Outcome, RunFacts, decide, failure_status, to_json, with_figures

PREFIX = "persona_"
_LISTS = {"overrides": "persona_threshold"}


def gather_facts(*, model: str, plan_model: str, kind: str, overrides: list[str]) -> RunFacts:
    """The facts of a run on this machine: the models, the machine, persona's version and commit."""
    from persona import device

    cuda = device.cuda_available()
    return RunFacts(model=model, plan_model=plan_model, kind=kind, stand_in=model != plan_model,
                    machine=machine(), cuda=cuda, persona_version=_version(), commit=_commit(),
                    overrides=list(overrides))


def machine() -> str:
    """The GPU by name and memory, or the CPU with its core count, in one line."""
    import os
    import platform

    from persona import device

    if device.cuda_available():
        import torch

        props = torch.cuda.get_device_properties(0)
        return f"{props.name}, {props.total_memory / 2**30:.0f} GiB (CUDA {torch.version.cuda})"
    return f"CPU only: {platform.processor() or platform.machine()}, {os.cpu_count()} cores (no CUDA)"


def _version() -> str:
    try:
        return metadata.version("persona")
    except metadata.PackageNotFoundError:
        return ""


def _commit() -> str:
    """The commit of the checkout persona runs from; empty for an installed wheel or without git.

    Asked in the package's own folder, and only when git tracks this very file there: a wheel installed into a
    virtual environment that sits inside some other repository must not report that repository's commit.
    """
    here = Path(__file__).resolve()
    try:
        tracked = subprocess.run(["git", "-C", str(here.parent), "ls-files", "--error-unmatch", here.name],
                                 capture_output=True, text=True, timeout=10)
        if tracked.returncode != 0:
            return ""
        done = subprocess.run(["git", "-C", str(here.parent), "rev-parse", "HEAD"], capture_output=True, text=True,
                              timeout=10)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def suite_properties(facts: RunFacts) -> list[tuple[str, str]]:
    """The facts as (name, value) junit suite properties."""
    props = []
    for f in fields(facts):
        value = getattr(facts, f.name)
        if f.name in _LISTS:
            props += [(_LISTS[f.name], str(v)) for v in value]
        elif value is not None:
            props.append((PREFIX + f.name, json.dumps(value) if isinstance(value, bool) else str(value)))
    return props


def read_facts(root: ET.Element) -> RunFacts:
    """The facts a junit report's suite properties hold; fields it lacks stay empty (older records)."""
    facts = RunFacts()
    for suite in root.iter("testsuite"):
        for prop in suite.findall("properties/property"):
            name, value = prop.get("name", ""), prop.get("value", "")
            if name == _LISTS["overrides"]:
                facts.overrides.append(value)
            elif name.startswith(PREFIX) and hasattr(facts, name.removeprefix(PREFIX)):
                attr = name.removeprefix(PREFIX)
                setattr(facts, attr, json.loads(value) if attr in ("stand_in", "cuda") else value)
    return facts


def read_junit(path: Path, criteria: Mapping[str, Criterion] = CRITERIA) -> list[Outcome]:
    """Outcomes of the tests in a junit XML that carry a `criterion` property; ValueError on a bad file."""
    return read_record(path, criteria)[0]


def read_record(path: Path, criteria: Mapping[str, Criterion] = CRITERIA) -> tuple[list[Outcome], RunFacts]:
    """(outcomes, facts) of a junit XML written by the harness; ValueError on a bad file."""
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as err:
        raise ValueError(f"{path}: not a readable junit XML file ({err})") from None
    outcomes = []
    for case in root.iter("testcase"):
        props = {p.get("name"): p.get("value", "") for p in case.iter("property")}
        if "criterion" not in props:
            continue
        name = f"{case.get('classname', '')}::{case.get('name', '')}"
        criterion = props["criterion"].strip()
        if criterion not in criteria:
            raise ValueError(f"{path}: test {name} names criterion {criterion!r}, which is not one of "
                             f"{', '.join(criteria)}")
        outcomes.append(_outcome(name, criterion, case, props))
    if not outcomes:
        raise ValueError(f"{path}: no test in it records a criterion; was it written by `pytest evals`?")
    return outcomes, read_facts(root)


def decide_junit(path: Path) -> Decision:
    """The decision a run printed, recomputed from its junit report: its overrides applied again."""
    outcomes, facts = read_record(path)
    try:
        criteria = with_overrides(CRITERIA, facts.overrides)
    except ValueError as err:
        raise ValueError(f"{path}: {err}") from None
    return decide(outcomes, criteria, facts)


def _outcome(name: str, criterion: str, case: ET.Element, props: dict) -> Outcome:
    status, reason = _status(case, props.get("failure_kind", ""))
    return with_figures(Outcome(name, criterion, status, props.get("verdict_on_fail", ""), props.get("measured", ""),
                                props.get("threshold", ""), reason), props)


def _status(case: ET.Element, kind: str) -> tuple[str, str]:
    for tag in ("error", "failure", "skipped"):
        node = case.find(tag)
        if node is None:
            continue
        text = (node.get("message") or node.text or "").strip()
        reason = text.splitlines()[0] if text else ""
        if tag == "skipped":
            return "skipped", reason
        if tag == "error":
            return "errored", reason
        return failure_status(text, kind), reason
    return "passed", ""


def write_decision(decision: Decision, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(to_json(decision), indent=2))
