#!/usr/bin/env bash
# The tests: set up, then unit tests, the CPU smoke evals with the tiny model, and the planted-fault
# meta-tests; GPU-only criteria skip on a machine without CUDA.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m pytest --junitxml=models/junit-tests.xml "$@"
