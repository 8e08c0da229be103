#!/usr/bin/env bash
# Runs each fuzz target for a while, then minimises its corpus into fuzz/corpus/<target>/,
# which `cargo test -p rheobase` replays as regression tests.
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
  echo "== $target for ${seconds}s"
  # The sanitizer is off: the code under test has no unsafe outside the JIT's entry points,
  # and the JIT's own code is not instrumented either way.
  cargo +nightly fuzz run -s none "$target" "corpus/$target" -- \
    -max_total_time="$seconds" -max_len=512 -timeout=20
  cargo +nightly fuzz cmin -s none "$target" "corpus/$target"
done
