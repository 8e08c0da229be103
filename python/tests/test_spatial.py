"""Morphologies and SpatialNeuron from Python: trees, geometry, SWC files, subgroups, state
access, monitors, the cable solution and the errors for bad input."""

import os

import numpy as np
import pytest

from rheobase import (
    Cylinder,
    DimensionMismatchError,
    Morphology,
    Section,
    Soma,
    SpatialNeuron,
    SpikeMonitor,
    StateMonitor,
    cm,
    mV,
    ms,
    msiemens,
    nA,
    ohm,
    run,
    siemens,
    start_scope,
    uF,
    um,
)

SWC_DIR = os.path.join(os.path.dirname(__file__), "..", "..", "crates", "rheobase-morphology",
                       "tests", "data", "swc")
PASSIVE = """
Im = gL*(EL - v) : amp/meter**2
I : amp (point current)
gL : siemens/meter**2
EL : volt
"""


@pytest.fixture(autouse=True)
def scope():
    start_scope()


def ball_and_stick():
    morpho = Soma(30 * um)
    morpho.dend = Cylinder(diameter=1 * um, length=100 * um, n=10)
    morpho.dend.L = Cylinder(diameter=0.5 * um, length=50 * um, n=5)
    morpho.axon = Section(diameter=[2, 1, 1] * um, length=[10, 20] * um, n=2)
    return morpho


def test_tree_building_and_counts():
    morpho = ball_and_stick()
    assert morpho.n == 1
    assert morpho.total_compartments == 1 + 10 + 5 + 2
    assert morpho.total_sections == 4
    assert morpho.dend.n == 10
    assert morpho["dend"].L.n == 5
    assert morpho["dend.L"].n == 5
    assert morpho.dend["L"].n == 5
    assert isinstance(morpho.dend, Cylinder)
    assert isinstance(morpho.axon, Section)
    assert isinstance(morpho, Soma)
    assert len(morpho.children) == 2
    assert "dend" in morpho.children
    with pytest.raises(AttributeError):
        morpho.nothing
    with pytest.raises(KeyError):
        morpho["nothing"]


def test_L_R_shorthand_and_shared_objects():
    root = Cylinder(diameter=1 * um, length=10 * um, n=2)
    root.L = Cylinder(diameter=1 * um, length=10 * um, n=3)
    root.R = Cylinder(diameter=1 * um, length=10 * um, n=4)
    root.LR = Cylinder(diameter=1 * um, length=10 * um, n=5)
    assert root.LR.n == 5
    assert root["1"].n == 3
    assert root["L.R"].n == 5
    # The attached object is the section in the tree (Brian2 shares it).
    branch = Cylinder(diameter=1 * um, length=10 * um, n=6)
    root.R.L = branch
    branch.L = Cylinder(diameter=1 * um, length=10 * um, n=7)
    assert root.RLL.n == 7
    assert root.total_compartments == 2 + 3 + 4 + 5 + 6 + 7
    del root.R
    assert root.total_sections == 3
    assert "`" in str(root.topology())


def test_geometry_per_compartment():
    morpho = ball_and_stick()
    assert np.allclose(np.asarray(morpho.area), np.pi * (30e-6) ** 2)
    assert np.allclose(np.asarray(morpho.dend.length), 10e-6)
    assert np.allclose(np.asarray(morpho.dend.diameter), 1e-6)
    assert np.allclose(np.asarray(morpho.dend.area), np.pi * 1e-6 * 10e-6)
    assert np.allclose(np.asarray(morpho.dend.volume), np.pi * 0.25e-12 * 10e-6)
    assert np.allclose(np.asarray(morpho.dend.distance), (np.arange(10) + 0.5) * 10e-6)
    assert np.allclose(np.asarray(morpho.dend.L.distance), 100e-6 + (np.arange(5) + 0.5) * 10e-6)
    # Truncated cone: diameter at the midpoint.
    assert np.allclose(np.asarray(morpho.axon.diameter), [1.5e-6, 1e-6])
    assert morpho.dend.length.dim == um.dim
    assert morpho.dend.x is None
    c = Cylinder(diameter=1 * um, n=4, x=[0, 40] * um, y=[0, 0] * um)
    assert np.allclose(np.asarray(c.x), [5e-6, 15e-6, 25e-6, 35e-6])
    assert np.allclose(np.asarray(c.length), 10e-6)


def test_compartments_by_position():
    morpho = ball_and_stick()
    assert int(morpho.dend[25 * um]) == 1 + 2
    assert len(morpho.dend[10 * um:50 * um]) == 4
    assert len(morpho.dend[3:5]) == 2
    with pytest.raises(IndexError):
        morpho.dend[20]
    with pytest.raises(IndexError):
        morpho.dend[200 * um]


def test_bad_geometry_is_rejected():
    with pytest.raises(ValueError, match="diameter"):
        Cylinder(diameter=0 * um, length=10 * um, n=2)
    with pytest.raises(ValueError, match="length"):
        Cylinder(diameter=1 * um, length=0 * um, n=2)
    with pytest.raises(ValueError, match="at least 1"):
        Cylinder(diameter=1 * um, length=10 * um, n=0)
    with pytest.raises(DimensionMismatchError):
        Soma(30)
    with pytest.raises(ValueError, match="diameters"):
        Section(diameter=[1, 1] * um, length=[10, 10] * um, n=2)
    with pytest.raises(ValueError, match="length or coordinates"):
        Cylinder(diameter=1 * um, n=2)


def test_swc_files():
    morpho = Morphology.from_file(os.path.join(SWC_DIR, "neurom_simple.swc"))
    assert isinstance(morpho, Soma)
    assert morpho.total_sections == 7
    stick = Morphology.from_swc_file(os.path.join(SWC_DIR, "arbor_ball_and_stick.swc"))
    # One compartment per SWC segment: soma to dendrite start, then the dendrite.
    assert stick.total_compartments == 3
    total = sum(float(np.sum(np.asarray(s.length))) for s in stick.children)
    assert total == pytest.approx(206.30785e-6)
    with pytest.raises(ValueError, match="line"):
        Morphology.from_swc_text("1 1 0 0 0 5 -1\n1 3 10 0 0 1 1\n")
    with pytest.raises(OSError):
        Morphology.from_file("/nonexistent/file.swc")


def test_spatial_neuron_state_and_subgroups():
    morpho = ball_and_stick()
    neuron = SpatialNeuron(morpho, PASSIVE, Cm=1 * uF / cm**2, Ri=100 * ohm * cm)
    assert len(neuron) == 18
    assert len(neuron.main) == 1
    assert len(neuron.dend) == 15
    assert len(neuron.dend.L) == 5
    assert len(neuron.dend[10 * um:50 * um]) == 4
    assert neuron.dend[10 * um:50 * um].start == 2
    assert len(neuron.axon) == 2
    assert len(neuron[3:7]) == 4
    neuron.gL = 1e-4 * siemens / cm**2
    neuron.dend.gL = 2e-4 * siemens / cm**2
    assert np.allclose(neuron.gL_[1:16], 2)
    assert np.allclose(neuron.gL_[16:], 1)
    neuron.EL["distance > 60*um"] = -60 * mV
    far = np.asarray(neuron.distance_) > 60e-6
    assert np.allclose(np.asarray(neuron.EL_)[far], -0.06)
    assert np.allclose(neuron.Cm_, 0.01)
    assert float(neuron.Ri_) == pytest.approx(1.0)
    states = neuron.get_states(units=False)
    assert "v" in states and "area" in states
    assert not any(k.startswith("_") for k in states)
    with pytest.raises(IndexError):
        neuron[40]
    with pytest.raises(AttributeError):
        neuron.nothing


def test_cable_steady_state_and_monitor():
    length, diam, gL, Ri, I = 1000 * um, 2 * um, 1e-4 * siemens / cm**2, 100 * ohm * cm, 0.05 * nA
    neuron = SpatialNeuron(Cylinder(length=length, diameter=diam, n=50), PASSIVE,
                           Cm=1 * uF / cm**2, Ri=Ri)
    neuron.gL = gL
    neuron.EL = -70 * mV
    neuron.v = -70 * mV
    neuron.I[0] = I
    mon = StateMonitor(neuron, "v", record=[0, 49])
    run(200 * ms)
    lam = np.sqrt(2e-6 / (4 * 1.0 * 1.0))
    ra = 4 * 1.0 / (np.pi * 4e-12)
    x = np.asarray(neuron.distance_)
    theory = -0.07 + 0.05e-9 * ra * lam * np.cosh((1e-3 - x) / lam) / np.sinh(1e-3 / lam)
    assert np.max(np.abs(np.asarray(neuron.v_) - theory)) < 5e-5
    assert mon.v_.shape[0] == 2


def test_hh_soma_spikes():
    morpho = Soma(30 * um)
    morpho.dend = Cylinder(diameter=1 * um, length=100 * um, n=5)
    eqs = """
    Im = gL*(EL - v) + gNa*m**3*h*(ENa - v) + gK*n**4*(EK - v) : amp/meter**2
    I : amp (point current)
    gNa : siemens/meter**2
    gK : siemens/meter**2
    dm/dt = a_m*(1 - m) - b_m*m : 1
    dh/dt = a_h*(1 - h) - b_h*h : 1
    dn/dt = a_n*(1 - n) - b_n*n : 1
    a_m = 1/exprel(-(v + 40*mV)/(10*mV))/ms : Hz
    b_m = 4*exp(-(v + 65*mV)/(18*mV))/ms : Hz
    a_h = 0.07*exp(-(v + 65*mV)/(20*mV))/ms : Hz
    b_h = 1/(1 + exp(-(v + 35*mV)/(10*mV)))/ms : Hz
    a_n = 0.1/exprel(-(v + 55*mV)/(10*mV))/ms : Hz
    b_n = 0.125*exp(-(v + 65*mV)/(80*mV))/ms : Hz
    """
    gL, EL, ENa, EK = 0.1 * msiemens / cm**2, -65 * mV, 50 * mV, -77 * mV  # noqa: F841
    neuron = SpatialNeuron(morpho, eqs, method="exponential_euler", Cm=1 * uF / cm**2,
                           Ri=150 * ohm * cm, threshold="v > -20*mV", threshold_location=0,
                           refractory="v > -20*mV")
    neuron.v = EL
    neuron.m, neuron.h, neuron.n = 0.053, 0.596, 0.318
    neuron.main.gNa = 120 * msiemens / cm**2
    neuron.main.gK = 36 * msiemens / cm**2
    neuron.I[0] = 0.5 * nA
    spikes = SpikeMonitor(neuron)
    run(30 * ms)
    assert spikes.num_spikes >= 2
    assert set(np.asarray(spikes.i)) == {0}


def test_model_errors():
    cable = Cylinder(diameter=1 * um, length=100 * um, n=5)
    with pytest.raises(Exception, match="Im"):
        SpatialNeuron(cable, "gL : siemens/meter**2", Cm=1 * uF / cm**2, Ri=100 * ohm * cm)
    with pytest.raises(DimensionMismatchError):
        SpatialNeuron(cable, "Im = gL*(-70*mV - v) : amp\ngL : siemens/meter**2",
                      Cm=1 * uF / cm**2, Ri=100 * ohm * cm)
    with pytest.raises(Exception, match="point current"):
        SpatialNeuron(cable, "Im = gL*(-70*mV - v) + I : amp/meter**2\nI : amp\n"
                      "gL : siemens/meter**2", Cm=1 * uF / cm**2, Ri=100 * ohm * cm)
    with pytest.raises(DimensionMismatchError):
        SpatialNeuron(cable, PASSIVE, Cm=1 * uF, Ri=100 * ohm * cm)
    with pytest.raises(IndexError):
        SpatialNeuron(cable, PASSIVE, threshold="v > 0*mV", threshold_location=7)


def test_synapses_onto_compartments_and_subgroup_monitor():
    from rheobase import SpikeGeneratorGroup, Synapses

    morpho = Soma(20 * um)
    morpho.dend = Cylinder(diameter=1 * um, length=400 * um, n=20)
    eqs = """
    Im = gL*(EL - v) : amp/meter**2
    Is = gs*(0*mV - v) + I_summed : amp (point current)
    dgs/dt = -gs/(2*ms) : siemens
    I_summed : amp
    gL : siemens/meter**2
    EL : volt
    """
    neuron = SpatialNeuron(morpho, eqs, Cm=1 * uF / cm**2, Ri=100 * ohm * cm)
    neuron.gL = 1e-4 * siemens / cm**2
    neuron.EL = -70 * mV
    neuron.v = -70 * mV
    inp = SpikeGeneratorGroup(1, [0], [1 * ms])
    S = Synapses(inp, neuron.dend, on_pre="gs += 5*nS")
    S.connect(i=0, j=14)
    S2 = Synapses(inp, neuron, model="""dI_syn/dt = -I_syn/(5*ms) : amp (clock-driven)
                                         I_summed_post = I_syn : amp (summed)""",
                  on_pre="I_syn += 10*pA")
    S2.connect(i=[0, 0, 0], j=[5, 5, 8])
    mon = StateMonitor(neuron.dend, "v", record=[14])
    run(1.5 * ms)
    gs = np.asarray(neuron.gs_)
    assert gs[15] > 0 and np.count_nonzero(gs) == 1
    summed = np.asarray(neuron.I_summed_)
    assert summed[5] == pytest.approx(2 * summed[8]) and summed[8] > 0
    v = np.asarray(mon.v_)[0]
    assert v[-1] > v[0]
    assert len(S) == 1 and list(S.j) == [14]


def test_spherical_soma_false_keeps_soma_points_in_sections():
    # Brian2 2.9 gives these numbers for the same points (see the Rust test
    # swc::tests::spherical_soma_false_keeps_soma_samples_in_sections).
    points = [(1, "soma", 0, 0, 0, 10, -1), (2, "soma", 5, 0, 0, 12, 1),
              (3, "dend", 15, 0, 0, 2, 2), (4, "soma", 15, 8, 0, 6, 3),
              (5, "dend", 25, 0, 0, 2, 3)]
    sections = Morphology.from_points(points, spherical_soma=False)
    assert (sections.total_compartments, sections.total_sections) == (4, 4)
    assert np.allclose(sections.dend.soma.area / um**2, [103.62494675])
    spheres = Morphology.from_points(points)
    assert np.allclose(spheres.dend.soma.area / um**2, [113.09733553])
    three_point = [(1, "soma", 0, 0, 0, 4, -1), (2, "soma", 0, -2, 0, 4, 1),
                   (3, "soma", 0, 2, 0, 4, 1), (4, "dend", 0, 0, 5, 1, 1)]
    assert Morphology.from_points(three_point).total_compartments == 2
    with pytest.raises(Exception, match="spherical_soma=False"):
        Morphology.from_points(three_point, spherical_soma=False)
