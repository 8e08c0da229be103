#!/usr/bin/env bash
# Runs each fuzz target for a while on its working corpus fuzz/corpus/<target>/ (not committed;
# seeded from fuzz/regressions/<target>/), then minimises that corpus. Crashes land in
# fuzz/artifacts/<target>/: once fixed, copy them into fuzz/regressions/<target>/, which
# `cargo test -p rheobase` replays (commit a small sample of new corpus files there too).
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET ...]      (default: 60 s, every target)
# Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(parse_text model_pipeline)
fi
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target"
  cp -n "regressions/$target/"* "corpus/$target/" 2>/dev/null || true
  echo "== $target for ${seconds}s"
  # The sanitizer is off: the code under test has no unsafe outside the JIT's entry points,
  # and the JIT's own code is not instrumented either way.
  cargo +nightly fuzz run -s none "$target" "corpus/$target" -- \
    -max_total_time="$seconds" -max_len=512 -timeout=20
  cargo +nightly fuzz cmin -s none "$target" "corpus/$target"
done
