#!/usr/bin/env bash
# The whole test suite: formatting, lints, every Rust test, and the Python package built and
# tested in a fresh virtual environment. CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== no merge conflict markers in tracked files"
if git rev-parse --git-dir >/dev/null 2>&1 \
  && git grep -n -E '^(<<<<<<< |>>>>>>> |=======$)' -- ':!*.lock'; then
  echo "merge conflict markers above"; exit 1
fi
# The native tier's compiled kernels go to a cache of their own, removed at the end.
RHEOBASE_CACHE_DIR="$(mktemp -d)"
export RHEOBASE_CACHE_DIR
trap 'rm -rf "$RHEOBASE_CACHE_DIR"' EXIT
echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings
echo "== cargo test"
cargo test --workspace

echo "== python package (pip install . into a fresh venv, then pytest)"
# A dev build is enough for tests and much faster than maturin's default release build.
python_env="$(mktemp -d)"
trap 'rm -rf "$python_env" "$RHEOBASE_CACHE_DIR"' EXIT
python3 -m venv "$python_env/venv"
# matplotlib lets the tests run the examples in examples/, which save figures.
MATURIN_PEP517_ARGS="--profile dev" "$python_env/venv/bin/python" -m pip install --quiet . pytest matplotlib
"$python_env/venv/bin/python" -m pytest -q -p no:cacheprovider python/tests

echo "== acceptance scripts that pass today (../shared/acceptance; Brian2 references)"
# Scripts are added here as they start passing, so no later change breaks one that passed.
acceptance="$(cd .. && pwd)/shared/acceptance"
if [ -x "$acceptance/run_all.sh" ] || [ -f "$acceptance/run_all.sh" ]; then
  PYTHON="$python_env/venv/bin/python" OUTDIR="$python_env/acceptance" \
    bash "$acceptance/run_all.sh" lif_exact_refractory fi_curve units_dimensions integrators \
    rate_monitor_run_regularly noise_xi hh_sweep timed_array poisson_input \
    subgroups_conditional delays_spikegen gap_junctions cuba stdp_song multiple_runs \
    store_restore cobahh synapse_generators spatial_cable spatial_swc_hh
else
  echo "no ../shared/acceptance next to the repository; skipped"
fi
