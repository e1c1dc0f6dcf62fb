#!/usr/bin/env bash
# The tests: set up, then unit tests, the CPU smoke evals with the tiny model, and the planted-fault
# meta-tests, among them the real-weights suite (smollm2-135m) and its faults. GPU-only criteria skip
# without CUDA. Runs, decisions and reports of the test suite go under models/test-suite/, never over what
# `persona evaluate` wrote.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m pytest --junitxml=models/test-suite/junit.xml --persona-output-dir models/test-suite \
  --persona-report models/test-suite/toy_project_report.md "$@"
