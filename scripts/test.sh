#!/usr/bin/env bash
# The tests: set up, then unit tests, the CPU smoke evals with the tiny model and the planted-fault
# meta-tests; then, when no arguments narrow the run, the real-weights evals on CPU (smollm2-135m).
# GPU-only criteria skip without CUDA. Runs, decisions and reports of the test suite go under
# models/test-suite/, never over what `persona evaluate` wrote.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
status=0
.venv/bin/python -m pytest --junitxml=models/test-suite/junit.xml --output-dir models/test-suite \
  --report models/test-suite/toy_project_report.md "$@" || status=$?
if [ "$#" -eq 0 ]; then  # the real-weights suite: its verdict is a finding, only a crash or usage error fails CI
  code=0
  .venv/bin/python -m pytest evals -m cpu_real --model smollm2-135m --junitxml=models/test-suite/real/junit.xml \
    --output-dir models/test-suite/real --report models/test-suite/real/toy_project_report.md || code=$?
  [ "$code" -le 1 ] || status=$code
fi
exit "$status"
