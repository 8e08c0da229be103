"""NeuronGroup: state access, assignment, indexing, subgroups and errors."""

import numpy as np
import pytest

from numpy.testing import assert_allclose

from rheobase import (
    DimensionMismatchError,
    BrianObjectException,
    NeuronGroup,
    SpikeMonitor,
    linked_var,
    run,
    Subgroup,
    mV,
    ms,
    start_scope,
    volt,
)


@pytest.fixture(autouse=True)
def _fresh_scope():
    start_scope()


def make_group(n=10):
    return NeuronGroup(n, "dv/dt = -v/(10*ms) : volt\nx : 1", threshold="v > 1*volt",
                       reset="v = 0*volt", method="exact")


def test_assignment_and_reading_with_units():
    G = make_group()
    G.v = -70 * mV
    assert len(G) == 10 and G.N == 10
    assert np.allclose(G.v[:] / mV, -70)
    assert np.allclose(G.v_, -0.07)
    assert float(G.v[3] / mV) == pytest.approx(-70)
    G.v[:] = np.arange(10) * mV
    assert np.allclose(G.v[:] / mV, np.arange(10))
    G.x = np.arange(10.0)
    assert isinstance(G.x[:], np.ndarray) and np.allclose(G.x[:], np.arange(10))


def test_string_expressions_and_conditions():
    offset = 5 * mV  # names are resolved when the group is made: define them before
    G = NeuronGroup(10, "v : volt")
    G2 = NeuronGroup(4, "v : volt")
    G2.v = "i*mV"
    assert np.allclose(G2.v[:] / mV, [0, 1, 2, 3])
    G.v = "-70*mV + i*mV"
    G.v["i > 5"] = -60 * mV
    assert np.allclose(G.v[:] / mV, [-70, -69, -68, -67, -66, -65, -60, -60, -60, -60])
    G.v["i < 2"] = "offset"
    assert np.allclose(G.v["i < 3"] / mV, [5, 5, -68])
    assert list(G.i["v > -61*mV"]) == [0, 1, 6, 7, 8, 9]


def test_subgroups_share_state():
    G = make_group(20)
    G.v = 0 * mV
    second = G[10:]
    assert isinstance(second, Subgroup) and len(second) == 10
    second.v[8:] = 3 * mV
    second.v[:2] = "i*mV"
    values = G.v[:] / mV
    assert np.allclose(values[10:12], [0, 1]) and np.allclose(values[18:], [3, 3])


def test_get_states_and_set_states():
    G = make_group(3)
    G.set_states({"v": [1, 2, 3] * mV})
    states = G.get_states(units=False)
    assert np.allclose(states["v"], [1e-3, 2e-3, 3e-3])
    assert {"i", "N", "t", "dt", "v", "x"} <= set(states)


def test_wrong_units_raise_dimension_mismatch():
    G = make_group()
    with pytest.raises(DimensionMismatchError):
        G.v = 3 * ms


def test_model_errors_have_brian2_names_and_carets():
    with pytest.raises(DimensionMismatchError) as info:
        NeuronGroup(2, "dv/dt = -v/(10*ms) : volt", threshold="v > 1", method="exact")
    assert "^" in str(info.value)
    with pytest.raises(SyntaxError):
        NeuronGroup(2, "dv/dt = (-v : volt")
    with pytest.raises(BrianObjectException) as info:
        NeuronGroup(2, "dv/dt = -v/tau_undefined_here : 1")
    assert "tau_undefined_here" in str(info.value)


def test_namespace_from_caller_and_explicit():
    tau = 10 * ms
    G = NeuronGroup(1, "dv/dt = -v/tau : volt", method="exact")
    assert G.v[0] == 0 * volt
    G2 = NeuronGroup(1, "dv/dt = -v/tau2 : volt", namespace={"tau2": 5 * ms}, method="exact")
    assert len(G2) == 1
    del tau


def test_code_strings_see_names_defined_after_the_group():
    G = NeuronGroup(3, "v : volt")
    later = 2 * mV
    factor = 3
    G.v = "later*factor + i*mV"
    assert np.allclose(G.v[:] / mV, [6, 7, 8])
    G.v["v > later*factor"] = "later"
    assert np.allclose(G.v[:] / mV, [6, 2, 2])
    assert np.allclose(G.v["v < later*factor"] / mV, [2, 2])

    G2 = NeuronGroup(1, "v : volt", namespace={"later": 5 * mV})
    G2.v = "later"
    assert np.allclose(G2.v[:] / mV, [5])


def test_unknown_attributes_are_refused_unless_added():
    G = NeuronGroup(2, "v : volt")
    with pytest.raises(AttributeError, match="state variable with name 'vv'"):
        G.vv = 3 * mV
    G.add_attribute("label")
    G.label = "excitatory"
    assert G.label == "excitatory"
    with pytest.raises(AttributeError):
        G.nothing


def test_linked_variables_follow_brian2():
    start_scope()
    G1 = NeuronGroup(3, "dv/dt = volt/second : volt")
    G1.v = [0, 1, 2] * volt
    G2 = NeuronGroup(3, "v : volt (linked)\nw = 2*v : volt", threshold="v > 2.00005*volt")
    with pytest.raises(Exception, match="has not been linked"):
        G2.v[:]
    G2.v = linked_var(G1, "v")
    spikes = SpikeMonitor(G2)
    run(1 * ms)
    assert_allclose(G2.v[:], G1.v[:])
    assert_allclose(G2.w[:], 2 * G1.v[:])
    assert set(spikes.i) == {2} and spikes.t[0] == 0 * ms
    # index arrays, index variables, linked_var(G.v) and errors
    G3 = NeuronGroup(4, "x : volt (linked)\ny : volt (linked)\nk : integer")
    G3.x = linked_var(G1.v, index=[2, 1, 0, 0])
    G3.k = [1, 1, 2, 2]
    G3.y = linked_var(G1, "v", index="k")
    assert_allclose(G3.x[:], G1.v[:][[2, 1, 0, 0]])
    assert_allclose(G3.y[:], G1.v[:][[1, 1, 2, 2]])
    with pytest.raises(ValueError, match="Cannot set a linked variable directly"):
        G3.x = 1 * volt
    with pytest.raises(DimensionMismatchError):
        G3.x = linked_var(NeuronGroup(4, "z : 1"), "z")
    with pytest.raises(Exception, match="size of the target group does not match"):
        G3.x = linked_var(G1, "v")
    with pytest.raises(Exception, match="outside of the valid range"):
        G3.x = linked_var(G1, "v", index=[0, 1, 2, 3])
    G4 = NeuronGroup(2, "x : volt (linked)")
    with pytest.raises(Exception, match="has not been linked"):
        run(0.1 * ms)


def test_float32_preference_stores_single_precision():
    """``prefs.core.default_float_dtype = float32`` (read when a group is made, as in
    Brian2) stores float variables in single precision; arithmetic stays double."""
    from rheobase import Synapses, float32, float64, prefs, run, start_scope

    start_scope()
    try:
        prefs.core.default_float_dtype = float32
        G = NeuronGroup(2, "dv/dt = (1 - v)/(10*ms) : 1", threshold="v > 2", method="exact")
        S = Synapses(G, G, "w : 1", on_pre="v_post += w")
        S.connect(i=0, j=1)
        S.w = 0.1
        G.v = [0.1, 0.2]
        assert list(G.v[:]) == [float(np.float32(0.1)), float(np.float32(0.2))]
        assert S.w[0] == float(np.float32(0.1))
        assert np.asarray(G.v[:]).dtype == np.float32 and S.w[:].dtype == np.float32
        run(1 * ms)
        v = np.asarray(G.v[:])
        assert all(float(np.float32(x)) == x for x in v)
        expected = 1 - (1 - np.float32([0.1, 0.2]).astype(float)) * np.exp(-0.1)
        assert np.allclose(v, expected, rtol=1e-6)
    finally:
        prefs.core.default_float_dtype = float64
    H = NeuronGroup(1, "v : 1")
    H.v = 0.1
    assert H.v[0] == 0.1 and np.asarray(H.v[:]).dtype == np.float64
