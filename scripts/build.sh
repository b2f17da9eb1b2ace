#!/usr/bin/env bash
# Sets up (scripts/setup.sh), configures and builds folio.
#
#   scripts/build.sh            Release build in build/
#   scripts/build.sh --test     also install the test suite's packages
#   scripts/build.sh --asan     Asan build (address + undefined) in build-asan/
#
# With CI set in the environment, warnings are errors (FOLIO_WERROR=ON).
set -euo pipefail
cd "$(dirname "$0")/.."

setup_args=() dir=build type=Release
for a in "$@"; do
    case "$a" in
        --test) setup_args+=(--test) ;;
        --asan) dir=build-asan type=Asan ;;
        *) echo "usage: scripts/build.sh [--test] [--asan]" >&2; exit 2 ;;
    esac
done

bash scripts/setup.sh "${setup_args[@]}"

werror=OFF
if [ -n "${CI:-}" ]; then werror=ON; fi
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE="$type" -DFOLIO_WERROR="$werror"
cmake --build "$dir" -j"$(nproc)"
