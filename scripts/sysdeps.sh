#!/usr/bin/env bash
# Debian packages the platform needs. `runtime`: CJK fonts and the PDF stack; `test`: also
# Chromium for browser tests, poppler for looking at PDFs and LibreOffice for reading .doc/.wps;
# `postgres`: the server for CI.
set -euo pipefail
kind=${1:-runtime}
pkgs=(fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libmagic1)
case "$kind" in
  test) pkgs+=(chromium poppler-utils libreoffice-writer-nogui) ;;
  postgres) pkgs=(postgresql) ;;
  java) pkgs=(default-jre-headless) ;;
esac
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "安装系统软件包：${missing[*]}"
SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "需要 root 权限安装：${missing[*]}（请以 root 运行或安装 sudo）" >&2
    [ "$kind" = "runtime" ] && exit 0 || exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
