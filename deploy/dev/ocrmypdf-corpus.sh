#!/usr/bin/env bash
# ocrmypdf-corpus.sh fetches OCRmyPDF's own test corpus (tests/resources/ of
# its source distribution: 2400-dpi pages, posters, JBIG2, CCITT, CMYK and
# other awkward PDFs and images) into a cache directory, for the hostile-input
# tests (SOHOA_OCRMYPDF_CORPUS). The corpus is never committed.
# Usage: ocrmypdf-corpus.sh [DIR]
#   DIR    cache directory (default $SOHOA_OCRMYPDF_CACHE, else
#          ${XDG_CACHE_HOME:-$HOME/.cache}/sohoa/ocrmypdf-16.10.4).
# A no-op when DIR already holds the complete corpus. Prints the corpus
# directory (DIR/resources) as the last line of stdout.
set -euo pipefail
version=16.10.4
# tests/resources/ of ocrmypdf 16.10.4's sdist holds 53 files: 51 PDFs,
# images and one ODT, plus README.rst (their licences) and linn.txt (the
# text of linn.png).
want=53
dir=${1:-${SOHOA_OCRMYPDF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sohoa/ocrmypdf-$version}}
out="$dir/resources"
stamp="$dir/.complete"

count() { find "$out" -type f | wc -l; }

if [[ -f "$stamp" && -d "$out" && "$(count)" -eq "$want" ]]; then
  echo "$out"
  exit 0
fi

command -v pip >/dev/null || { echo "ocrmypdf-corpus.sh: pip not installed (apt-get install python3-pip)" >&2; exit 1; }
mkdir -p "$dir"
sdist="$dir/ocrmypdf-$version.tar.gz"
if [[ ! -s "$sdist" ]]; then
  dl=$(mktemp -d "$dir/download.XXXXXX")
  trap 'rm -rf "$dl"' EXIT
  echo "ocrmypdf-corpus.sh: downloading ocrmypdf==$version's source distribution from PyPI" >&2
  pip download --quiet --no-deps --no-binary :all: --dest "$dl" "ocrmypdf==$version" >&2
  mv "$dl/ocrmypdf-$version.tar.gz" "$sdist"
fi

# Only tests/resources/, into a fresh directory moved into place at the end,
# so an interrupted run never looks complete.
tmp=$(mktemp -d "$dir/extract.XXXXXX")
trap 'rm -rf "$tmp" "${dl:-}"' EXIT
tar -xzf "$sdist" -C "$tmp" --strip-components=3 --wildcards "ocrmypdf-$version/tests/resources/*"
got=$(find "$tmp" -type f | wc -l)
if [[ "$got" -ne "$want" ]]; then
  echo "ocrmypdf-corpus.sh: $sdist holds $got files under tests/resources/, want $want" >&2
  exit 1
fi
rm -rf "$out"
mv "$tmp" "$out"
chmod 755 "$out"
touch "$stamp"
echo "ocrmypdf-corpus.sh: $want files in $out" >&2
echo "$out"
