#!/usr/bin/env bash
# deps.sh installs the system packages sohoa needs, from Debian's archive,
# only when something is missing. Usage: deps.sh [run|test|bench]
#   run   what `make run` needs (Go toolchain assumed present)
#   test  also what the test suite needs (Java + Maven for the test
#         Elasticsearch, Chromium for browser tests, poppler for PDF checks)
set -euo pipefail

want=(tesseract-ocr tesseract-ocr-vie tesseract-ocr-eng tesseract-ocr-osd libtesseract-dev
      libleptonica-dev redis-server poppler-utils pkg-config fonts-liberation2 fonts-dejavu-core fonts-noto-core)
if [[ "${1:-run}" == "bench" ]]; then
  want+=(ocrmypdf)
fi
if [[ "${1:-run}" == "test" ]]; then
  # Java + Maven: a real Elasticsearch and veraPDF from Maven Central;
  # chromium: browser tests; libtiff-tools: TIFF checks.
  want+=(default-jdk-headless maven unzip curl chromium libtiff-tools)
fi

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Java/Maven may come from elsewhere than Debian (e.g. a preinstalled JDK).
if [[ " ${missing[*]} " == *" default-jdk-headless "* ]] && command -v java >/dev/null; then
  missing=("${missing[@]/default-jdk-headless}")
fi
if [[ " ${missing[*]} " == *" maven "* ]] && command -v mvn >/dev/null; then
  missing=("${missing[@]/maven}")
fi
read -r -a missing <<<"${missing[*]}"
if ((${#missing[@]} == 0)); then
  exit 0
fi
echo "deps: installing ${missing[*]}" >&2
SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
