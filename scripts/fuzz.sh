#!/usr/bin/env bash
# Runs each fuzz target for a while on its working corpus fuzz/corpus/<target>/ (not committed;
# seeded from fuzz/regressions/<target>/), then minimises that corpus. Crashes land in
# fuzz/artifacts/<target>/: once fixed, copy them into fuzz/regressions/<target>/, which
# `cargo test -p rheobase` (and `-p rheobase-cli` for model_file) replays (commit a small
# sample of new corpus files there too). One target at a time, one job, at the lowest
# priority: the machines this runs on are shared.
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET ...]      (default: 60 s, every target)
# Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`). FUZZ_TARGET_DIR
# chooses the build folder (default: fuzz/target).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(parse_text model_pipeline swc model_file kernels)
fi
target_dir=(--target-dir "${FUZZ_TARGET_DIR:-target}")
max_len() {
  case "$1" in
    swc | model_file) echo 4096 ;;
    *) echo 512 ;;
  esac
}
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target" "logs"
  cp -n "regressions/$target/"* "corpus/$target/" 2>/dev/null || true
  echo "== $target for ${seconds}s (log: fuzz/logs/$target.log)"
  # The sanitizer is off: the code under test has no unsafe outside the JIT's entry points,
  # and the JIT's own code is not instrumented either way. -jobs=1 runs the fuzzer in a
  # child process whose output goes to fuzz-0.log; it is moved next to the others.
  nice -n 19 cargo +nightly fuzz run -s none "${target_dir[@]}" "$target" "corpus/$target" -- \
    -max_total_time="$seconds" -max_len="$(max_len "$target")" -timeout=20 -rss_limit_mb=2048 \
    -jobs=1 -workers=1 || status=$?
  mv -f fuzz-0.log "logs/$target.log" 2>/dev/null || true
  tail -n 3 "logs/$target.log" 2>/dev/null || true
  nice -n 19 cargo +nightly fuzz cmin -s none "${target_dir[@]}" "$target" "corpus/$target" \
    >/dev/null 2>&1 || true
  if [ "${status:-0}" -ne 0 ]; then
    echo "== $target failed: see fuzz/artifacts/$target/ and fuzz/logs/$target.log"
    exit "$status"
  fi
done
