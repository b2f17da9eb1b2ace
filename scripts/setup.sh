#!/usr/bin/env bash
# Installs, with apt-get, exactly the Debian 12 packages folio needs to build,
# to typeset (fonts) and to test.  Does nothing when they are already there.
#
#   scripts/setup.sh            build + fonts
#   scripts/setup.sh --test     build + fonts + what the test suite uses
set -euo pipefail

build_pkgs=(
  build-essential cmake pkg-config
  libcairo2-dev libpango1.0-dev libharfbuzz-dev libfontconfig-dev libfreetype-dev zlib1g-dev
  libyaml-dev libcmark-gfm-dev libcmark-gfm-extensions-dev
  libjpeg-dev libpng-dev libwebp-dev libqrencode-dev libdeflate-dev
)
# Noto CJK for Chinese/Japanese, Noto Serif/Sans/Mono for the paired Latin faces,
# Symbola for emoji and symbols that posts use as bullets.
font_pkgs=( fonts-noto-cjk fonts-noto-core fonts-noto-mono fonts-symbola )
# pdfcheck (python3-fitz, python3-yaml, cmark, qpdf), PDF inspection
# (poppler-utils), image checks in the theme and catalogue tests
# (python3-pil: python3-fitz does not pull it in), QR decoding (zbar-tools),
# sanitizers and fuzzing (clang), valgrind, strace for the no-escape tests.
test_pkgs=(
  python3 python3-fitz python3-yaml python3-pil cmark qpdf poppler-utils zbar-tools
  clang libclang-rt-14-dev valgrind strace
)

want=("${build_pkgs[@]}" "${font_pkgs[@]}")
if [ "${1:-}" = "--test" ]; then want+=("${test_pkgs[@]}"); fi

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
