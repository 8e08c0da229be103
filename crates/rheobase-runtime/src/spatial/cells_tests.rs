//! Several cells in one SpatialNeuron (beyond Brian2): each cell must evolve exactly as the
//! same cell simulated alone, on one thread or several.

use super::*;
use crate::monitor::{Record, StateMonitor, StateMonitorOptions};
use crate::testing::test_backend;
use rheobase_morphology::Extent;

const UM: f64 = 1e-6;

/// HH channels everywhere (their density set per compartment), a stimulus per compartment.
const HH: &str = "Im = gL*(EL - v) + gNa*m**3*h*(ENa - v) + gK*n**4*(EK - v) : amp/meter**2
I : amp (point current)
gNa : siemens/meter**2
gK = 360*siemens/meter**2 : siemens/meter**2
gL = 3*siemens/meter**2 : siemens/meter**2
EL = -65*mV : volt
ENa = 50*mV : volt
EK = -77*mV : volt
dm/dt = a_m*(1 - m) - b_m*m : 1
dh/dt = a_h*(1 - h) - b_h*h : 1
dn/dt = a_n*(1 - n) - b_n*n : 1
a_m = 1/exprel(-(v + 40*mV)/(10*mV))/ms : Hz
b_m = 4*exp(-(v + 65*mV)/(18*mV))/ms : Hz
a_h = 0.07*exp(-(v + 65*mV)/(20*mV))/ms : Hz
b_h = 1/(1 + exp(-(v + 35*mV)/(10*mV)))/ms : Hz
a_n = 0.1/exprel(-(v + 55*mV)/(10*mV))/ms : Hz
b_n = 0.125*exp(-(v + 65*mV)/(80*mV))/ms : Hz";

/// A soma with a branched dendrite and an axon (20 compartments).
fn cell() -> Morphology {
    let mut m = Morphology::soma(20.0 * UM).unwrap();
    let mut dend = Morphology::cylinder(2.0 * UM, 5, Extent::Length(vec![100.0 * UM])).unwrap();
    for side in ["L", "R"] {
        let child = Morphology::cylinder(1.0 * UM, 4, Extent::Length(vec![80.0 * UM])).unwrap();
        dend.add_child(side, child).unwrap();
    }
    m.add_child("dend", dend).unwrap();
    let axon = Morphology::cylinder(1.0 * UM, 6, Extent::Length(vec![120.0 * UM])).unwrap();
    m.add_child("axon", axon).unwrap();
    m
}

/// Per-cell parameters: sodium density at the soma and the current into it.
fn parameters(c: usize) -> (f64, f64) {
    (1000.0 + 100.0 * c as f64, 0.1e-9 * c as f64)
}

/// Builds `cells` cells (cell `c` with `parameters(first + c)`), runs 20 ms and returns `v`
/// of every compartment over time (one trace per compartment) and the spikes (cell, time).
fn simulate(
    m: &Morphology,
    first: usize,
    cells: usize,
    threads: usize,
) -> (Vec<Vec<f64>>, Vec<(usize, f64)>) {
    let net = Network::with_backend(test_backend());
    net.set_threads(threads).unwrap();
    net.set_split_work(1);
    let neuron = SpatialNeuron::new(
        &net,
        m,
        HH,
        SpatialNeuronOptions {
            cm: 0.01,
            ri: 1.0,
            dt: Some(25e-6),
            method: Some("exponential_euler".into()),
            threshold: Some("v > -20*mV".into()),
            threshold_location: Some(0),
            refractory: Refractory::Expression("v > -20*mV".into()),
            cells,
            ..Default::default()
        },
    )
    .unwrap();
    let n = neuron.compartments();
    neuron.set("v", -0.065).unwrap();
    neuron.set("m", 0.0529).unwrap();
    neuron.set("h", 0.5961).unwrap();
    neuron.set("n", 0.3177).unwrap();
    for c in 0..cells {
        let (g_na, current) = parameters(first + c);
        let this = neuron.cell(c).unwrap();
        this.set_at("gNa", 0, g_na).unwrap();
        this.set_at("I", 0, current).unwrap();
    }
    let mon =
        StateMonitor::new(&neuron, &["v"], Record::All, StateMonitorOptions::default()).unwrap();
    let spikes = crate::monitor::SpikeMonitor::spikes(&neuron, Default::default()).unwrap();
    net.run(0.02).unwrap();
    let traces = (0..n * cells).map(|k| mon.trace("v", k).unwrap()).collect();
    let spikes = spikes
        .i()
        .into_iter()
        .zip(spikes.t())
        .map(|(i, t)| {
            assert_eq!(i % n, 0, "the threshold applies at the soma of each cell");
            (first + i / n, t)
        })
        .collect();
    (traces, spikes)
}

#[test]
fn each_cell_of_a_group_evolves_as_the_cell_alone() {
    let m = cell();
    let n = m.total_compartments();
    let cells = 5;
    let mut alone_traces = Vec::new();
    let mut alone_spikes = Vec::new();
    for c in 0..cells {
        let (traces, spikes) = simulate(&m, c, 1, 1);
        alone_traces.extend(traces);
        alone_spikes.extend(spikes);
    }
    alone_spikes.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    assert!(
        alone_spikes.iter().any(|s| s.0 == cells - 1),
        "the strongest stimulus makes its cell fire"
    );
    assert!(
        alone_spikes.iter().all(|s| s.0 != 0),
        "the cell without stimulus stays silent"
    );
    for threads in [1, 2] {
        let (traces, spikes) = simulate(&m, 0, cells, threads);
        assert_eq!(traces.len(), n * cells);
        for (k, (a, b)) in traces.iter().zip(&alone_traces).enumerate() {
            assert!(
                a == b,
                "{threads} thread(s): compartment {} of cell {} differs from the cell alone",
                k % n,
                k / n
            );
        }
        assert_eq!(spikes, alone_spikes, "{threads} thread(s)");
    }
}

#[test]
fn cells_are_addressed_by_index() {
    let net = Network::with_backend(test_backend());
    let m = cell();
    let neuron = SpatialNeuron::new(
        &net,
        &m,
        HH,
        SpatialNeuronOptions {
            cells: 3,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(neuron.cells(), 3);
    assert_eq!(neuron.len(), 3 * 20);
    assert_eq!(neuron.cell(2).unwrap().range(), 40..60);
    let e = neuron.cell(3).unwrap_err();
    assert!(e.to_string().contains("cell 3 is outside"), "{e}");
    // The geometry repeats in every cell.
    let distance = neuron.get("distance").unwrap();
    assert_eq!(distance[..20], distance[40..]);
    assert!(
        neuron.section("dend").is_err(),
        "sections span several cells"
    );
    let e = SpatialNeuron::new(
        &net,
        &m,
        HH,
        SpatialNeuronOptions {
            cells: 0,
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(e.to_string().contains("at least one cell"), "{e}");
}
