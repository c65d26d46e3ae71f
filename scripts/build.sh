#!/usr/bin/env bash
# Configures and builds paperfeed into build/ (or $1 with extra CMake flags after it).
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:-build}"; shift || true
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" "$@" >/dev/null
ninja -C "$dir" -j"${JOBS:-2}"
