"""The pre-training scan: `persona train` refuses a training file with a secret in it, naming the line and
the kind, and trains on it with --allow-secrets."""
from __future__ import annotations

import json

from persona.importers.scrub.scan import scan_training_file
from tests.helpers import ROOT
from tests.test_cli import persona

AWS_KEY = "AKIAQ3EXAMPLEZT4W7PL"


def _planted(tmp_path, line_no: int = 7):
    lines = (ROOT / "data/toy/train.jsonl").read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[line_no - 1])
    record["messages"][-1]["content"] += f" The backup key is {AWS_KEY}."
    lines[line_no - 1] = json.dumps(record, ensure_ascii=False)
    path = tmp_path / "train.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_scan_names_line_and_kind(tmp_path):
    findings = scan_training_file(_planted(tmp_path, 7))
    assert [(f.line, f.kind) for f in findings] == [(7, "api_key")], findings


def test_shipped_toy_data_scans_clean():
    for name in ("train.jsonl", "test.jsonl"):
        assert scan_training_file(ROOT / "data/toy" / name) == [], f"data/toy/{name} holds a secret-shaped value"


def test_train_refuses_a_planted_aws_key_then_allows_it(tmp_path):
    data = _planted(tmp_path, 7)
    common = ("train", "--model", "tiny", "--data", str(data), "--set", "max_steps=2", "--set",
              f"output_dir={tmp_path / 'runs'}", "--set", "logging_steps=1")
    refused = persona(*common)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr, refused.stderr
    assert f"{data}:7: secret-shaped value" in refused.stderr, refused.stderr
    assert not (tmp_path / "runs").exists(), "a refused run must write nothing"
    allowed = persona(*common, "--allow-secrets")
    assert allowed.returncode == 0 and "trained 2 steps" in allowed.stdout, allowed.stderr[-2000:]
