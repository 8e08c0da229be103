"""Monitors and the magic run: spikes, traces, rates, store/restore."""

import types

import numpy as np
import pytest

from rheobase import (
    Hz,
    Network,
    NeuronGroup,
    PopulationRateMonitor,
    SpikeMonitor,
    StateMonitor,
    collect,
    defaultclock,
    ms,
    run,
    second,
    start_scope,
    restore,
    store,
)


@pytest.fixture(autouse=True)
def _fresh_scope():
    start_scope()
    defaultclock.dt = 0.1 * ms


def lif(n=3):
    G = NeuronGroup(n, "dv/dt = (drive - v)/(10*ms) : 1 (unless refractory)\ndrive : 1",
                    threshold="v > 1", reset="v = 0", refractory=2 * ms, method="exact")
    G.drive = "1.5 + 0.5*i"
    return G


def test_spike_monitor_matches_analytic_period():
    G = lif()
    spikes = SpikeMonitor(G)
    run(100 * ms)
    # Period: refractory + tau*log(drive/(drive-1)), rounded up to the step.
    expected = [2e-3 + 10e-3 * np.log(d / (d - 1)) for d in (1.5, 2.0, 2.5)]
    trains = spikes.spike_trains()
    for k in range(3):
        assert trains[k][0] / second == pytest.approx(10e-3 * np.log(
            [1.5, 2.0, 2.5][k] / ([1.5, 2.0, 2.5][k] - 1)), abs=2e-4)
        assert spikes.count[k] == pytest.approx(0.1 / expected[k], abs=1.5)
    assert spikes.num_spikes == len(spikes.i) == len(spikes.t_) == sum(spikes.count)
    assert spikes.source is G and spikes.event == "spike"


def test_state_monitor_shapes_and_indexing():
    G = lif()
    mon = StateMonitor(G, "v", record=[0, 2])
    run(5 * ms)
    assert mon.v.shape == (2, 50) and mon.v_.shape == (2, 50)
    assert np.allclose(mon.t_, np.arange(50) * 1e-4)
    assert np.allclose(mon[2].v, mon.v[1])
    assert list(mon.record) == [0, 2] and mon.record_variables == ["v"]
    with pytest.raises(IndexError):
        mon[1]


def test_rate_monitor_counts_population_spikes():
    G = lif(4)
    rate = PopulationRateMonitor(G)
    spikes = SpikeMonitor(G)
    run(50 * ms)
    assert len(rate.rate) == 500
    assert np.sum(rate.rate_) * 1e-4 * 4 == pytest.approx(spikes.num_spikes)
    assert rate.smooth_rate("flat", 1 * ms).shape == (500,)
    assert (rate.rate / Hz).shape == (500,)


def test_rate_monitor_smooths_with_a_custom_window():
    G = lif(4)
    rate = PopulationRateMonitor(G)
    run(20 * ms)
    window = np.array([1.0, 2.0, 1.0])
    expected = np.convolve(rate.rate_, window / 4.0, mode="same")
    assert np.array_equal(rate.smooth_rate(window=window) / Hz, expected)
    with pytest.raises(TypeError):
        rate.smooth_rate(window=np.ones(4))
    with pytest.raises(TypeError):
        rate.smooth_rate(window=window, width=1 * ms)


def test_network_store_restore_and_multiple_runs():
    G = lif()
    spikes = SpikeMonitor(G)
    net = Network(collect())
    net.store()
    net.run(20 * ms)
    first = spikes.t_.copy()
    net.restore()
    assert net.t_ == 0 and spikes.num_spikes == 0
    net.run(10 * ms)
    net.run(10 * ms)
    assert np.array_equal(first, spikes.t_)
    assert float(net.t / ms) == pytest.approx(20)


def test_magic_store_restore_and_dt_change():
    G = lif(1)
    mon = StateMonitor(G, "v", record=0)
    store()
    run(1 * ms)
    restore()
    defaultclock.dt = 0.05 * ms
    run(1 * ms)
    assert len(mon.t) == 20


def test_run_regularly_updates_a_variable():
    G = NeuronGroup(2, "x : 1")
    G.run_regularly("x += 1", dt=1 * ms)
    run(10 * ms)
    assert np.allclose(G.x[:], 10)


def make_orphan():
    G = NeuronGroup(1, "x : 1")
    G.run_regularly("x += 1", dt=1 * ms)
    return G


def test_magic_run_runs_only_the_objects_in_the_callers_frame():
    kept = NeuronGroup(1, "x : 1")
    kept.run_regularly("x += 1", dt=1 * ms)
    box = types.SimpleNamespace(group=make_orphan())  # not visible to collect()
    run(5 * ms)
    orphan = box.group
    assert kept.x[0] == 5
    Network(orphan).run(2 * ms)
    assert orphan.x[0] == 2 and kept.x[0] == 5


def test_noise_differs_between_neurons_and_event_variables_are_recorded():
    G = NeuronGroup(50, "dv/dt = -v/(10*ms) + 0.5*xi/sqrt(ms) : 1", threshold="v > 0.1",
                    reset="v = 0", method="euler")
    spikes = SpikeMonitor(G, variables="v")
    run(5 * ms)
    assert np.std(G.v[:]) > 0
    assert len(spikes.v) == spikes.num_spikes > 0
    assert np.all(spikes.v > 0.1)
