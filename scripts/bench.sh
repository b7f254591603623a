#!/usr/bin/env bash
# Runs every benchmark under benchmarks/ (each prints its figures; see the README).
set -euo pipefail
bin=$1
for b in benchmarks/*/run.py benchmarks/*/bench.py benchmarks/*.py; do
  [ -f "$b" ] || continue
  echo "== $b"
  "$bin/python" "$b"
done
