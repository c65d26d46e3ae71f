#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) in build-fuzz and runs each for SECONDS
# (default 60), seeded from fuzz/corpus/<target>. Crashers land in build-fuzz/artifacts/<target>/;
# the exit status is non-zero when any target found one.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]      e.g. scripts/fuzz.sh 180 atom oai
set -euo pipefail

seconds=${1:-60}
shift || true
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build-fuzz
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(arxiv_json atom oai hf_daily hf_python_repr tex comment router)

CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPAPERFEED_FUZZ=ON -DPAPERFEED_SANITIZE=ON -DPAPERFEED_TESTS=OFF >/dev/null
ninja -C "$build" $(printf 'fuzz_%s ' "${targets[@]}")

dict_for() {
  case "$1" in
    atom|oai) echo "-dict=$root/fuzz/xml.dict" ;;
    tex) echo "-dict=$root/fuzz/tex.dict" ;;
    comment|router) ;;
    *) echo "-dict=$root/fuzz/json.dict" ;;
  esac
}

failed=()
for target in "${targets[@]}"; do
  corpus=$build/corpus/$target      # grows across runs; the seeds in fuzz/corpus stay as committed
  artifacts=$build/artifacts/$target
  mkdir -p "$corpus" "$artifacts"
  echo "== fuzz_$target for ${seconds}s"
  log=$build/fuzz_$target.log
  if "$build/fuzz/fuzz_$target" "$corpus" "$root/fuzz/corpus/$target" $(dict_for "$target") \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
      -artifact_prefix="$artifacts/" -print_final_stats=1 >"$log" 2>&1; then
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    echo "   ok: $execs executions, corpus $(ls "$corpus" | wc -l) inputs"
  else
    echo "   FAILED: see $log and $artifacts/"
    grep -E 'ERROR|SUMMARY|runtime error' "$log" | head -5 || true
    failed+=("$target")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzing found problems in: ${failed[*]}"
  exit 1
fi
echo "fuzzing: no crashes in ${#targets[@]} targets"
