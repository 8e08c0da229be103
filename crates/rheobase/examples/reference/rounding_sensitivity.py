"""How far does rounding-sized noise move the reference spikes?

Reruns each model (numpy target) with every state variable multiplied by (1 + 1e-12) after
the initial values are set, i.e. a perturbation of a few thousand ulps, and reports how many
spike counts, first-spike steps and (adex) spike steps change. This bounds what a correct
engine that merely rounds differently from Brian2 can show, which is what the tolerances in
examples/common/compare.rs must admit.

    /work/venv-b2/bin/python rounding_sensitivity.py [EPS]    (default 1e-12)
"""
import sys

import numpy as np
from brian2 import NeuronGroup, SpikeMonitor, Network, defaultclock, ms, prefs, second

import _common
import adex
import hh_fi_curve
import lif_fi_curve

EPS = float(sys.argv[1]) if len(sys.argv) > 1 else 1e-12


def run_group(n, eqs, threshold, reset, refractory, method, ns, initial, perturbed, name=None):
    kwargs = dict(threshold=threshold, method=method, namespace=ns)
    if reset:
        kwargs["reset"] = reset
    if refractory:
        kwargs["refractory"] = refractory
    if name:
        kwargs["name"] = name
    g = NeuronGroup(n, eqs, **kwargs)
    for var, expr in initial:
        setattr(g, var, expr)
    if perturbed:
        for var in g.variables:
            if var in ("v", "vm", "w", "m", "n", "h", "I"):
                values = getattr(g, var + "_")[:]
                setattr(g, var + "_", values * (1 + EPS) + (EPS * 1e-3 if var in ("m", "n", "h") else 0))
    mon = SpikeMonitor(g)
    return g, mon


def trains(mon, n):
    st = mon.spike_trains()
    return [np.round(np.asarray(st[k] / second) / 1e-4).astype(int).tolist() for k in range(n)]


def simple(module, n, perturbed):
    ns = _common.eval_parameters(module.PARAMETERS)
    g, mon = run_group(n, module.EQUATIONS, module.THRESHOLD, getattr(module, "RESET", None),
                       module.REFRACTORY, module.METHOD, ns, module.INITIAL_VALUES, perturbed)
    Network(g, mon).run(1 * second, namespace=ns)
    return {module.NAME: trains(mon, n)}


def adex_run(perturbed):
    objs, mons = [], {}
    for regime, params in adex.REGIMES:
        ns = _common.eval_parameters(adex.SHARED_PARAMETERS + params)
        g, mon = run_group(adex.N_PER_REGIME, adex.EQUATIONS, adex.THRESHOLD, adex.RESET, None,
                           adex.METHOD, ns, adex.INITIAL_VALUES, perturbed, name=regime)
        objs += [g, mon]
        mons[regime] = mon
    Network(*objs).run(1 * second)
    return {r: trains(m, adex.N_PER_REGIME) for r, m in mons.items()}


def report(a, b):
    for name in a:
        ta, tb = a[name], b[name]
        counts = sum(len(x) != len(y) for x, y in zip(ta, tb))
        max_count = max(abs(len(x) - len(y)) for x, y in zip(ta, tb))
        firsts = sum((x[:1] != y[:1]) for x, y in zip(ta, tb))
        moved = sum(sum(1 for p, q in zip(x, y) if p != q) for x, y in zip(ta, tb))
        total = sum(len(x) for x in ta)
        print(f"{name}: {counts}/{len(ta)} counts differ (max by {max_count}), "
              f"{firsts} first spikes differ, {moved}/{total} spikes at another step")


def main():
    print(f"relative perturbation {EPS:g}")
    prefs.codegen.target = "numpy"
    defaultclock.dt = 0.1 * ms
    for label, fn in [("lif_fi_curve", lambda p: simple(lif_fi_curve, lif_fi_curve.N_NEURONS, p)),
                      ("hh_fi_curve", lambda p: simple(hh_fi_curve, hh_fi_curve.N_NEURONS, p)),
                      ("adex", adex_run)]:
        base, pert = fn(False), fn(True)
        report(base, pert)


if __name__ == "__main__":
    main()
