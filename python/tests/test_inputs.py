"""Inputs: TimedArray (Python calls and model strings), PoissonGroup, SpikeGeneratorGroup,
PoissonInput."""

import numpy as np
import pytest

from rheobase import (
    DimensionMismatchError,
    Hz,
    NeuronGroup,
    PoissonGroup,
    PoissonInput,
    SpikeGeneratorGroup,
    SpikeMonitor,
    TimedArray,
    mV,
    ms,
    run,
    second,
    seed,
    start_scope,
)


@pytest.fixture(autouse=True)
def _fresh_scope():
    start_scope()


def test_timed_array_from_python_and_in_model_strings():
    stim = TimedArray([1, 2, 3] * mV, dt=1 * ms)
    assert float(stim(1.2 * ms) / mV) == 2
    assert np.allclose(stim([0, 5] * ms) / mV, [1, 3])
    grid = TimedArray(np.array([[1.0, 2.0], [3.0, 4.0]]), dt=1 * ms)
    assert grid(1 * ms, 1) == 4
    G = NeuronGroup(2, "v = stim(t) : volt\nw = grid(t, i) : 1")
    run(1.5 * ms)
    assert np.allclose(G.v[:] / mV, 2) and list(G.w[:]) == [3.0, 4.0]
    H = NeuronGroup(1, "y : volt")
    H.y = "stim(2*ms)"
    assert float(H.y[0] / mV) == 3
    with pytest.raises(DimensionMismatchError):
        stim(3)


def test_poisson_group_rate():
    seed(3)
    P = PoissonGroup(200, rates=50 * Hz)
    mon = SpikeMonitor(P)
    run(1 * second)
    assert mon.num_spikes / 200 == pytest.approx(50, rel=0.1)
    assert np.allclose(P.rates[:] / Hz, 50)
    with pytest.raises(DimensionMismatchError):
        PoissonGroup(2, rates=5 * mV)


def test_spike_generator_group_with_period_and_set_spikes():
    S = SpikeGeneratorGroup(3, [0, 2], [1, 2] * ms, period=5 * ms)
    mon = SpikeMonitor(S)
    run(10 * ms)
    assert list(mon.i[:]) == [0, 2, 0, 2]
    assert np.allclose(mon.t[:] / ms, [1, 2, 6, 7])
    S.set_spikes([1], [11] * ms)
    run(2 * ms)
    assert list(mon.i[-1:]) == [1]
    with pytest.raises(ValueError):
        SpikeGeneratorGroup(2, [0, 1], [1] * ms)


def test_poisson_input_mean_drive():
    seed(5)
    G = NeuronGroup(100, "v : volt")
    drive = PoissonInput(G, "v", 100, 10 * Hz, weight=0.1 * mV)
    run(100 * ms)
    assert drive.N == 100
    assert float(np.mean(G.v[:]) / mV) == pytest.approx(10, rel=0.1)
