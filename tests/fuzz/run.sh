#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, build/fuzz) and runs each for a few seconds on its
# committed corpus (tests/fuzz/corpus/<target>); new inputs go to a temporary folder, so the
# committed corpus only changes by hand. Exit 0 when no target found a crash.
# Usage: tests/fuzz/run.sh [SECONDS]   (default 5; scripts/test passes $NRM_FUZZ_SECONDS, default 5)
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-5}
dir=build/fuzz
command -v clang++ >/dev/null || { echo "fuzz: clang++ is not installed (apt-get install clang)" >&2; exit 1; }
if [ ! -f "$dir/CMakeCache.txt" ]; then
  # -O1 with line tables only: what libFuzzer's documentation suggests for speed and stack traces,
  # and half the compile time of -O2 -g (the CI budget builds this tree from scratch).
  CXX=clang++ cmake -S . -B "$dir" -G Ninja -DNRM_FUZZ=ON -DCMAKE_BUILD_TYPE= -DNRM_BUILD_BENCH=OFF \
    -DCMAKE_CXX_FLAGS="-O1 -gline-tables-only -DNDEBUG -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined" >/dev/null
fi
targets=(fuzz_case_reader fuzz_rules fuzz_http_request)
cmake --build "$dir" -j2 --target "${targets[@]}"
status=0
for t in "${targets[@]}"; do
  scratch=$(mktemp -d)
  echo "== $t: ${seconds}s"
  if ! "$dir/tests/fuzz/$t" -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=70000 -print_final_stats=1 \
      "$scratch" "tests/fuzz/corpus/$t" 2>"$scratch.log"; then
    status=1
    tail -40 "$scratch.log" >&2
  else
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$scratch.log" || true
  fi
  rm -rf "$scratch" "$scratch.log"
done
exit $status
