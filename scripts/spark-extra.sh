#!/usr/bin/env bash
# PySpark is the optional national-scale backend; the suite tests it, so `make test` installs it
# (a source build of ~35 s the first time) when the monitoring app declares it.
set -euo pipefail
bin=$1
[ -f requirements/spark.in ] || exit 0
if ! "$bin/python" -c "import pyspark" 2>/dev/null; then
  echo "安装 PySpark（可选的全国规模计算后端，首次约需 1 分钟）…"
  "$bin/pip" install -q --disable-pip-version-check -r requirements/spark.in
fi
if ! command -v java >/dev/null 2>&1; then
  bash scripts/sysdeps.sh java 2>/dev/null || true
fi
