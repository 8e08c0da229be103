"""Synapses: connect in Brian2's forms, state access by index, pair and condition, delays,
pathways, monitors on synapses, and errors."""

import numpy as np
import pytest

from rheobase import (
    BrianObjectException,
    DimensionMismatchError,
    NeuronGroup,
    SpikeGeneratorGroup,
    SpikeMonitor,
    StateMonitor,
    Synapses,
    mV,
    ms,
    run,
    start_scope,
    volt,
)


@pytest.fixture(autouse=True)
def _fresh_scope():
    start_scope()


def groups(n=4, m=3):
    source = NeuronGroup(n, "v : 1", threshold="v > 1", reset="v = 0")
    target = NeuronGroup(m, "x : volt")
    return source, target


def test_connect_forms():
    source, target = groups()
    S = Synapses(source, target, "w : 1")
    S.connect()
    assert len(S) == 12
    S2 = Synapses(source, target)
    S2.connect("i == j")
    assert list(S2.i[:]) == [0, 1, 2] and list(S2.j[:]) == [0, 1, 2]
    S3 = Synapses(source, target)
    S3.connect(i=[0, 3], j=[2, 1])
    assert list(zip(S3.i[:], S3.j[:])) == [(0, 2), (3, 1)]
    S4 = Synapses(source, target)
    S4.connect(j="k for k in range(i, i + 2) if k < N_post")
    assert len(S4) == 2 + 2 + 1 + 0
    S5 = Synapses(source, target)
    S5.connect(j="i", skip_if_invalid=True, n=2)
    assert len(S5) == 6
    S6 = Synapses(source, target)
    S6.connect(False)
    assert len(S6) == 0
    with pytest.raises(TypeError):
        S6.connect(3)


def test_state_access_by_index_pair_and_condition():
    source, target = groups()
    S = Synapses(source, target, "w : volt")
    S.connect()
    S.w = "(i + 10*j)*mV"
    assert np.allclose(S.w[3, 2] / mV, [23])
    assert np.allclose(S.w[:, 1] / mV, [10, 11, 12, 13])
    assert np.allclose(S.w["i > j"] / mV, [1, 2, 12, 3, 13, 23])
    S.w[0, :] = 1 * mV
    assert np.allclose(S.w[0, :] / mV, 1)
    S.w["j == 2"] = "i*mV"
    assert np.allclose(S.w[:, 2] / mV, [0, 1, 2, 3])
    assert np.allclose(S.w_[0:2], [0.001, 0.001])
    with pytest.raises(DimensionMismatchError):
        S.w = 3
    with pytest.raises(IndexError, match="multisynaptic_index"):
        S.w[0, 0, 0]


def test_delays_per_synapse_and_pathway():
    source = SpikeGeneratorGroup(2, [0, 1], [1, 2] * ms)
    target = NeuronGroup(2, "x : 1")
    S = Synapses(source, target, on_pre="x_post += 1")
    S.connect(j="i")
    S.delay = "(1 + i)*ms"
    assert np.allclose(S.pre.delay[:] / ms, [1, 2])
    mon = StateMonitor(target, "x", record=True)
    run(6 * ms)
    first = [float(mon.t[np.argmax(mon.x[k] > 0)] / ms) for k in range(2)]
    assert first == pytest.approx([2.1, 4.1])
    fixed = Synapses(source, target, on_pre="x_post += 1", delay=2 * ms)
    fixed.connect(j="i")
    assert np.allclose(fixed.delay[:] / ms, 2)


def test_summed_variable_and_monitor_on_synapses():
    source, target = groups(3, 1)
    target2 = NeuronGroup(1, "total : 1")
    S = Synapses(source, target2, "w : 1\ntotal_post = w : 1 (summed)")
    S.connect()
    S.w = [1.0, 2.0, 3.0]
    mon = StateMonitor(S, "w", record=[0, 2])
    run(1 * ms)
    assert target2.total[0] == 6
    assert mon.w.shape == (2, 10) and np.all(mon.w[1] == 3)
    assert len(target) == 1


def test_spikes_propagate_and_errors_point_at_code():
    source = NeuronGroup(2, "v : 1", threshold="True")
    target = NeuronGroup(2, "x : volt")
    S = Synapses(source, target, "w : volt", on_pre="x_post += w")
    S.connect(j="i")
    S.w = 2 * mV
    spikes = SpikeMonitor(source)
    run(0.5 * ms)
    assert np.allclose(target.x[:] / mV, 10) and spikes.num_spikes == 10
    with pytest.raises(DimensionMismatchError):
        Synapses(source, target, "w : 1", on_pre="x_post += w")
    with pytest.raises((SyntaxError, BrianObjectException)):
        Synapses(source, target, "w : 1", on_pre="x_post += ")
    assert target.x.dim == volt.dim


def test_indexing_by_pre_post_and_multisynaptic_index():
    G = NeuronGroup(3, "v : 1")
    H = NeuronGroup(3, "v : 1")
    S = Synapses(G, H, "w : 1", multisynaptic_index="k")
    S.connect(i=[0, 0, 0, 1, 1], j=[2, 2, 2, 0, 2])  # the pair (0, 2) three times
    S.w = "i*100 + j*10 + k"
    assert list(S.k[:]) == [0, 1, 2, 0, 0]
    assert list(S.w[0, 2, 1]) == [21]
    assert list(S.w[0, 2, 1:]) == [21, 22]
    assert list(S.w[0, 2, ::2]) == [20, 22]
    # Brian2 2.9 returns [20] and [] here (it compares positions within the matching
    # synapses with synapse indices); the synapses meant are these.
    assert list(S.w[:, 2, 0]) == [20, 120]
    assert list(S.w[1, :, 0]) == [100, 120]
    S.w[0, 2, 2] = -1
    assert S.w[2] == -1
    T = Synapses(G, H, "w : 1")
    T.connect()
    assert len(T.w[0, 0]) == 1
    with pytest.raises(IndexError, match="multisynaptic_index"):
        T.w[0, 0, 0]
    with pytest.raises(IndexError, match="Need 1, 2 or 3 indices"):
        T.w[0, 0, 0, 0]


def test_synaptic_subgroups_index_variables_and_choose_what_is_recorded():
    G = NeuronGroup(3, "v : 1")
    S = Synapses(G, G, "dw/dt = 1/second : 1 (clock-driven)")
    S.connect()
    S.w = "i*10 + j"
    sub = S[1, :]
    assert len(sub) == 3
    assert "3 indices" in repr(sub)
    assert list(S.w[sub]) == [10, 11, 12]
    assert list(S.w[S[2:4]]) == [2, 10]
    M = StateMonitor(S, "w", record=S[:, 0])
    run(1 * ms)
    assert M.w.shape == (3, 10)
    assert np.allclose(M.w[:, 0], [0, 10, 20])
    S.connect(i=0, j=0)
    with pytest.raises(RuntimeError, match="added/removed"):
        S.w[sub]
    cond = S["i > j"]
    assert len(cond) == 3
    S.w[cond] = -1
    assert list(S.w["w < 0"]) == [-1, -1, -1]
    assert list(S.i[S["w < 0"]]) == [1, 2, 2]
    assert list(S.j[S["w < 0"]]) == [0, 0, 1]
