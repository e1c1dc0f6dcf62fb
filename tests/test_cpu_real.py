"""The CPU main job runs on real weights: --model auto means smollm2-135m without CUDA, `persona evaluate`
selects the cpu_real evals for real weights on CPU, and every criterion real weights can settle on CPU is in
that selection (only the VRAM and time criteria, which need CUDA, are not)."""
from __future__ import annotations

import ast

import pytest

from persona.cli.evaluate import eval_marker
from persona.criteria import CRITERIA
from persona.models import SMOLLM2, auto_model
from tests.helpers import ROOT


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


def _criteria_marked(marker: str) -> set[str]:
    """Criterion ids of the eval tests that carry `marker` (module-level pytestmark or decorator)."""
    found = set()
    for path in (ROOT / "evals").glob("test_*.py"):
        source = path.read_text()
        tree = ast.parse(source)
        module_marked = any(isinstance(n, ast.Assign) and any(getattr(t, "id", "") == "pytestmark" for t in n.targets)
                            and f"mark.{marker}" in ast.get_source_segment(source, n) for n in tree.body)
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef) or not node.name.startswith("test_"):
                continue
            decorators = " ".join(ast.get_source_segment(source, d) for d in node.decorator_list)
            module_ids = [seg for n in tree.body if isinstance(n, ast.Assign)
                          for seg in [ast.get_source_segment(source, n)] if "criterion(" in seg]
            text = decorators + " ".join(module_ids)
            if module_marked or f"mark.{marker}" in decorators:
                found |= {cid for cid in CRITERIA if f'criterion("{cid}"' in text}
    return found


def test_every_criterion_real_weights_settle_on_cpu_is_in_the_cpu_real_selection():
    settle_on_cpu = {c.id for c in CRITERIA.values() if "real" in c.kinds and not c.needs_cuda}
    assert settle_on_cpu - _criteria_marked("cpu_real") == set()
    assert {"memorization", "coherence", "style", "facts", "thinking", "fact-recall", "quality-kept",
            "canary-leak"} <= settle_on_cpu
