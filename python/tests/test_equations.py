"""Equations: parsing (in the engine), concatenation, substitution, use in NeuronGroup."""

import numpy as np
import pytest

from rheobase import (
    BrianObjectException,
    Equations,
    NeuronGroup,
    StateMonitor,
    mV,
    ms,
    pF,
    run,
    start_scope,
    volt,
)


@pytest.fixture(autouse=True)
def _fresh_scope():
    start_scope()


def test_names_and_kinds():
    eqs = Equations("""dv/dt = (I - v)/tau : volt (unless refractory)
                       I = 2*mV : volt
                       g : 1 (constant)""")
    assert eqs.names == {"v", "I", "g"}
    assert eqs.diff_eq_names == {"v"}
    assert eqs.subexpr_names == {"I"}
    assert eqs.parameter_names == {"g"}
    assert eqs.identifiers == {"tau"}
    assert eqs["v"].flags == ["unless refractory"]
    assert eqs["v"].dim == volt.dim
    assert len(eqs) == 3 and "g" in eqs and list(eqs) == ["v", "I", "g"]


def test_concatenation_with_equations_and_strings():
    eqs = Equations("dv/dt = -v/tau : volt") + "w : 1"
    eqs = "x : 1" + eqs
    assert eqs.names == {"v", "w", "x"}
    with pytest.raises(BrianObjectException, match="duplicate definition of `v`"):
        eqs + Equations("v : volt")


def test_substitution_by_name_expression_and_value():
    base = "dv/dt = -v/tau + I/C : volt\nI : amp"
    renamed = Equations(base, tau="tau_e", v="u")
    assert renamed.names == {"u", "I"}
    assert "tau_e" in str(renamed) and "-u/tau_e" in str(renamed)
    assert Equations(base, tau="2*tau_m").identifiers == {"tau_m", "C"}
    valued = Equations(base, C=200 * pF)
    assert "C" not in valued.identifiers
    with pytest.raises(BrianObjectException, match="cannot replace model variable"):
        Equations(base, v=3 * mV)
    with pytest.raises(TypeError):
        Equations(base, tau=[1, 2])


def test_equations_syntax_errors_point_at_the_text():
    with pytest.raises(SyntaxError) as info:
        Equations("dv/dt = -v/ : volt")
    assert "^" in str(info.value)


def test_neuron_group_runs_substituted_equations():
    tau_e = 10 * ms
    eqs = Equations("dv/dt = -v/tau : volt", tau="tau_e") + Equations("w : 1")
    G = NeuronGroup(2, eqs, method="exact")
    G.v = 10 * mV
    mon = StateMonitor(G, "v", record=0)
    run(10 * ms)
    assert float(G.v[0] / mV) == pytest.approx(10 * np.exp(-1), rel=1e-9)
    assert mon.v.shape == (1, 100)
    assert tau_e == 10 * ms
