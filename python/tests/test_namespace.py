"""External constants resolved anew at every run(), as Brian2 does: the object's namespace
dict, then run's ``namespace=``, else the caller's locals and globals."""

import numpy as np
import pytest

from rheobase import (
    DimensionMismatchError,
    Hz,
    Network,
    NeuronGroup,
    PoissonGroup,
    PoissonInput,
    SpikeMonitor,
    StateMonitor,
    Synapses,
    mV,
    ms,
    restore,
    run,
    seed,
    start_scope,
    store,
)


@pytest.fixture(autouse=True)
def _fresh_scope():
    start_scope()


# Brian2 2.9 (numpy target) for the tutorial loop below: G.v[0] after each run, and the last
# value the StateMonitor recorded (at 19.9 ms), for tau = 5, 10, 20 ms.
BRIAN2_V = [0.981684361111266, 0.8646647167633859, 0.6321205588285572]
BRIAN2_LAST_RECORDED = [0.9813143606622674, 0.8633045745544747, 0.6302765554559405]


def test_the_tutorial_loop_over_tau_gives_brian2s_numbers():
    tau = 10 * ms
    G = NeuronGroup(1, "dv/dt = (1-v)/tau : 1", method="exact")
    M = StateMonitor(G, "v", record=0)
    net = Network(G, M)
    net.store()
    for k, tau in enumerate([5, 10, 20] * ms):
        net.restore()
        net.run(20 * ms)
        assert G.v[0] == pytest.approx(1 - np.exp(-20 * ms / tau), abs=1e-12)
        assert G.v[0] == pytest.approx(BRIAN2_V[k], rel=1e-12)
        assert M.v[0][-1] == pytest.approx(BRIAN2_LAST_RECORDED[k], rel=1e-12)
        assert net.t == 20 * ms


def test_the_magic_run_in_a_function_sees_its_locals():
    tau = 10 * ms
    G = NeuronGroup(1, "dv/dt = (1-v)/tau : 1", method="exact")
    store()
    results = []
    for tau_value in [5 * ms, 20 * ms]:
        restore()
        tau = tau_value
        run(10 * ms)
        results.append(G.v[0])
    assert results == pytest.approx([1 - np.exp(-2), 1 - np.exp(-0.5)], abs=1e-12)


def test_resolution_order_object_namespace_then_run_namespace_then_the_frame():
    tau = 1 * ms
    G = NeuronGroup(1, "dv/dt = (1-v)/tau : 1", method="exact", namespace={"tau": 10 * ms})
    net = Network(G)
    net.store()
    net.run(10 * ms)  # the group's own namespace comes before the frame
    assert G.v[0] == pytest.approx(1 - np.exp(-1), abs=1e-12)
    net.restore()
    G.namespace["tau"] = 5 * ms  # Brian2 lets the namespace dict be changed
    net.run(10 * ms)
    assert G.v[0] == pytest.approx(1 - np.exp(-2), abs=1e-12)

    tau_h = 10 * ms
    H = NeuronGroup(1, "dv/dt = (1-v)/tau_h : 1", method="exact")
    net2 = Network(H)
    net2.store()
    tau_h = 1 * ms
    net2.run(10 * ms, namespace={"tau_h": 5 * ms})  # an explicit run namespace replaces the frame
    assert H.v[0] == pytest.approx(1 - np.exp(-2), abs=1e-12)
    net2.restore()
    with pytest.raises(KeyError, match='"tau_h" could not be resolved'):
        net2.run(10 * ms, namespace={})


def _made_in_a_function():
    tau_local = 10 * ms
    return NeuronGroup(1, "dv/dt = (1-v)/tau_local : 1", method="exact")


def test_a_name_that_cannot_be_resolved_at_run_is_brian2s_key_error():
    G = _made_in_a_function()
    net = Network(G)
    with pytest.raises(KeyError, match='The identifier "tau_local" could not be resolved.'):
        net.run(1 * ms)
    net.run(10 * ms, namespace={"tau_local": 10 * ms})
    assert G.v[0] == pytest.approx(1 - np.exp(-1), abs=1e-12)


def test_a_value_of_another_dimension_raises_and_the_old_value_stays_usable():
    tau = 10 * ms
    G = NeuronGroup(1, "dv/dt = (1-v)/tau : 1", method="exact")
    tau = 5 * mV
    with pytest.raises(DimensionMismatchError):
        run(1 * ms)
    tau = [1, 2] * ms
    with pytest.raises(TypeError, match='"tau"'):
        run(1 * ms)
    tau = 10 * ms
    run(10 * ms)
    assert G.v[0] == pytest.approx(1 - np.exp(-1), abs=1e-12)


def test_a_name_defined_only_after_the_object_is_an_error_at_creation():
    with pytest.raises(Exception, match="(?s)tau_later.*before `run\\(\\)`"):
        NeuronGroup(1, "dv/dt = -v/tau_later : 1")
    tau_later = 10 * ms
    assert tau_later == 10 * ms


def _lif_network(literal):
    start_scope()
    seed(3)
    taum, v_th, v_r, e_l, taue = 20 * ms, -50 * mV, -60 * mV, -49 * mV, 5 * ms
    if literal:
        P = NeuronGroup(500, """dv/dt = (ge - (v - (-49*mV)))/(20*ms) : volt (unless refractory)
                                dge/dt = -ge/(5*ms) : volt""",
                        threshold="v > -50*mV", reset="v = -60*mV", refractory=5 * ms,
                        method="exact")
    else:
        P = NeuronGroup(500, """dv/dt = (ge - (v - e_l))/taum : volt (unless refractory)
                                dge/dt = -ge/taue : volt""",
                        threshold="v > v_th", reset="v = v_r", refractory=5 * ms,
                        method="exact")
    P.v = -60 * mV + np.linspace(0, 1, 500) * 10 * mV
    S = Synapses(P, P, on_pre="ge += 1.62*mV")
    S.connect(p=0.05)
    run(30 * ms)
    return np.asarray(P.v_)


def test_constants_read_at_run_give_the_same_bits_as_literals():
    literal, named = _lif_network(True), _lif_network(False)
    assert np.array_equal(literal.view(np.int64), named.view(np.int64))


def test_thresholds_resets_and_run_regularly_use_the_values_at_run():
    v_th, v_reset, rate, x0 = 0.5, 0.0, 1 / ms, 1.0
    G = NeuronGroup(1, "dv/dt = rate : 1\nx : 1", threshold="v > v_th", reset="v = v_reset",
                    method="euler")
    G.run_regularly("x = x0", dt=1 * ms)
    spikes = SpikeMonitor(G)
    run(2 * ms)
    assert spikes.num_spikes > 0 and G.x[0] == 1.0
    v_th, v_reset, x0 = 100.0, 0.25, 3.0
    G.v = 0
    before = spikes.num_spikes
    run(1 * ms)
    assert spikes.num_spikes == before
    assert G.v[0] == pytest.approx(1.0, abs=1e-9)
    assert G.x[0] == 3.0


def test_run_regularly_may_name_constants_defined_after_its_group():
    G = NeuronGroup(2, "x : 1")
    x_late = 2.0
    G.run_regularly("x = x_late + i", dt=1 * ms)
    run(1 * ms)
    assert list(G.x) == [2.0, 3.0]
    x_late = 5.0
    run(1 * ms)
    assert list(G.x) == [5.0, 6.0]


def test_synapses_poisson_groups_and_poisson_inputs_use_the_values_at_run():
    w0, r0, weight = 1.0, 0 * Hz, 0.0
    source = NeuronGroup(1, "v : 1", threshold="True")
    target = NeuronGroup(1, "v : 1\nu : 1")
    S = Synapses(source, target, on_pre="v_post += w0")
    S.connect()
    P = PoissonGroup(100, rates="r0")
    inputs = PoissonInput(target, "u", 10, 1 / (0.1 * ms), weight="weight")
    spikes = SpikeMonitor(P)
    run(1 * ms)
    assert target.v[0] == 10 and spikes.num_spikes == 0 and target.u[0] == 0
    w0, r0, weight = 2.0, 10 / ms, 0.5
    run(1 * ms)
    assert target.v[0] == 30
    assert spikes.num_spikes == 1000  # rand() < r0*dt = 1
    assert target.u[0] == 10 * 10 * 0.5  # rate*dt = 1: every input arrives
    assert inputs.N == 10
    w0 = 1 * mV
    with pytest.raises(DimensionMismatchError):
        run(1 * ms)
