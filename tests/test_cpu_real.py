"""The CPU main job runs on real weights: --model auto means smollm2-135m without CUDA, `persona evaluate`
selects the cpu_real evals for real weights on CPU, and every criterion real weights can settle on CPU is in
that selection (only the VRAM and time criteria, which need CUDA, are not): the selection marks are added at
collection from the registry (persona.criteria.selections), so this runs the collection and reads what it got."""
from __future__ import annotations

import subprocess
import sys

import pytest

from persona.cli.evaluate import eval_marker
from persona.criteria import CRITERIA
from persona.models import SMOLLM2, auto_model
from tests.helpers import ROOT, cpu_only_env


def test_auto_is_smollm2_on_cpu_and_tiny_only_for_the_smoke_run(machine):
    machine(False)
    assert auto_model() == SMOLLM2
    assert auto_model(real_on_cpu=False) == "tiny"
    machine(True)
    assert auto_model() != SMOLLM2, "with CUDA the job fine-tunes the plan's model"


@pytest.mark.parametrize("kind,cuda,marker", [("real", False, "cpu_real"), ("tiny", False, "cpu_smoke"),
                                              ("synthetic", False, "cpu_smoke"), ("real", True, "gpu"),
                                              ("tiny", True, "gpu")])
def test_evaluate_selects_the_evals_the_weights_and_machine_can_settle(kind, cuda, marker):
    assert eval_marker(kind, cuda) == marker


COLLECT = """
import sys, pytest
class Criteria:
    def pytest_collection_finish(self, session):
        print("CRITERIA", *sorted({i.get_closest_marker("criterion").args[0] for i in session.items
                                   if i.get_closest_marker("criterion")}))
sys.exit(pytest.main([sys.argv[1], "--co", "-q", "-p", "no:cacheprovider", "-m", sys.argv[2], "--persona-model", "tiny"],
                     plugins=[Criteria()]))
"""
"""Collects with the tiny model: the marks come from the registry whatever the model, and the tiny one loads on any host
(smollm2-135m, which `-m cpu_real` would choose, needs its weights package installed)."""


def _criteria_selected(marker: str) -> set[str]:
    """Criterion ids of the eval tests `pytest evals -m <marker>` collects: the marks come from the registry."""
    done = subprocess.run([sys.executable, "-c", COLLECT, str(ROOT / "evals"), marker], cwd=ROOT, text=True,
                          capture_output=True, timeout=300, env=cpu_only_env(HF_HUB_OFFLINE="1"))
    line = next((x for x in done.stdout.splitlines() if x.startswith("CRITERIA")), None)
    assert done.returncode == 0 and line, done.stdout[-2000:] + done.stderr[-2000:]
    return set(line.split()[1:])


def test_every_criterion_real_weights_settle_on_cpu_is_in_the_cpu_real_selection():
    settle_on_cpu = {c.id for c in CRITERIA.values() if "real" in c.kinds and not c.needs_cuda}
    selected = _criteria_selected("cpu_real")
    assert settle_on_cpu <= selected, settle_on_cpu - selected
    assert not selected & {c.id for c in CRITERIA.values() if c.needs_cuda}, "CUDA-only criteria in a CPU run"
    assert {"memorization", "coherence", "style", "facts", "thinking", "fact-recall", "quality-kept",
            "canary-leak"} <= settle_on_cpu
