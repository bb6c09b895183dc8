#!/usr/bin/env bash
# The property-based fuzz tests with many examples (the suite runs 2 per form with a fixed seed).
# Usage: bench/fuzz.sh [EXAMPLES=50] [pytest args…]; prints the example count and the time taken.
set -euo pipefail
cd "$(dirname "$0")/.."
examples="${1:-50}"
shift || true
start=$(date +%s)
OFFICEBOT_FUZZ_EXAMPLES="$examples" .venv/bin/python -m pytest -q -p no:cacheprovider \
  tests/e2e/test_fuzz.py tests/e2e/test_hostile_input_property.py "$@"
echo "fuzz: ${examples} examples per test, $(( $(date +%s) - start )) s"
