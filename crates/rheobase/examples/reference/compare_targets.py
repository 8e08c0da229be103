"""Compare two runs of a reference script (e.g. Brian2's cython and numpy targets).

Standard library only:
    python3 compare_targets.py lif_fi_curve.json /tmp/lif_fi_curve_numpy.json
Prints, per group, how many neurons differ in spike count and in first-spike step, and for
adex how many spikes differ in step. This measures how much floating-point rounding alone
moves the results, which is what the Rust examples' tolerances must admit.
"""
import json
import sys


def groups(data):
    if "regimes" in data:
        return {r["name"]: r for r in data["regimes"]}
    return {data["model"]: data}


def compare(a_path, b_path):
    a, b = json.load(open(a_path)), json.load(open(b_path))
    ta, tb = a["provenance"]["codegen_target"], b["provenance"]["codegen_target"]
    identical = True
    for name, ga in groups(a).items():
        gb = groups(b)[name]
        counts = [(k, x, y) for k, (x, y) in enumerate(zip(ga["spike_counts"], gb["spike_counts"])) if x != y]
        firsts = [(k, x, y) for k, (x, y) in enumerate(zip(ga["first_spike_steps"], gb["first_spike_steps"])) if x != y]
        line = (f"{name}: {ta} vs {tb}: total spikes {ga['total_spikes']} vs {gb['total_spikes']}; "
                f"{len(counts)} of {len(ga['spike_counts'])} counts differ {counts[:5]}; "
                f"{len(firsts)} first-spike steps differ {firsts[:5]}")
        if "spike_steps" in ga:
            moved = sum(sum(1 for x, y in zip(sa, sb) if x != y) + abs(len(sa) - len(sb))
                        for sa, sb in zip(ga["spike_steps"], gb["spike_steps"]))
            line += f"; {moved} spikes at a different step"
            identical &= moved == 0
        identical &= not counts and not firsts
        print(line)
    print("identical" if identical else "DIFFERENT")
    return identical


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    compare(sys.argv[1], sys.argv[2])
