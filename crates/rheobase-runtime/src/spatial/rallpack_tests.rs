//! Rallpacks 1, 2 and 3 (Bhalla, Bilitch & Bower 1992) against the reference traces in
//! `tests/data/rallpack`. They run 5001 (Rallpacks 1, 2) and 250001 (Rallpack 3) steps, too
//! long for a debug test run, so they are ignored by default:
//!
//!     cargo test --release -p rheobase-runtime rallpack -- --ignored --nocapture
//!
//! They run on the default backend (the JIT), as users do; the interpreter gives the same
//! bits but would take most of an hour for Rallpack 3. The errors obtained are in
//! docs/spatial.md.

use super::*;
use crate::monitor::{Record, StateMonitor, StateMonitorOptions};
use rheobase_morphology::Extent;

const UM: f64 = 1e-6;
const PASSIVE: &str = "Im = gL*(EL - v) : amp/meter**2\n\
                       I : amp (point current)\n\
                       gL : siemens/meter**2\n\
                       EL : volt";

fn reference(name: &str) -> Vec<f64> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/rallpack")
        .join(name);
    let text = std::fs::read_to_string(&path).expect("the Rallpack data are in the repository");
    text.lines()
        .filter_map(|l| l.split_whitespace().nth(1)?.parse().ok())
        .collect()
}

/// Relative RMS and maximum error, both normalised by the reference's range.
fn errors(reference: &[f64], ours: &[f64]) -> (f64, f64) {
    assert_eq!(reference.len(), ours.len(), "one sample per reference time");
    let range = reference.iter().cloned().fold(f64::MIN, f64::max)
        - reference.iter().cloned().fold(f64::MAX, f64::min);
    let sq: Vec<f64> = reference
        .iter()
        .zip(ours)
        .map(|(a, b)| (a - b).powi(2))
        .collect();
    let rms = (sq.iter().sum::<f64>() / sq.len() as f64).sqrt() / range;
    (rms, sq.iter().cloned().fold(0.0, f64::max).sqrt() / range)
}

/// Runs `neuron` for 250 ms (plus one step), recording `v` at `indices` every 0.05 ms at the
/// start of each step, as the references were made.
fn run_and_record(
    net: &Network,
    neuron: &SpatialNeuron,
    indices: Vec<usize>,
    dt: f64,
) -> Vec<Vec<f64>> {
    let mon = StateMonitor::new(
        neuron,
        &["v"],
        Record::Indices(indices.clone()),
        StateMonitorOptions {
            when: crate::schedule::When::new("start", 0),
            dt: Some(0.05e-3),
            ..Default::default()
        },
    )
    .unwrap();
    net.run(0.25 + dt).unwrap();
    (0..indices.len())
        .map(|k| mon.trace("v", k).unwrap())
        .collect()
}

fn check(name: &str, pairs: [(&str, &[f64]); 2], rms_limit: f64) {
    for (file, ours) in pairs {
        let (rms, max) = errors(&reference(file), ours);
        println!(
            "{name} {file}: relative RMS error {:.4} %, max {:.4} %",
            100.0 * rms,
            100.0 * max
        );
        assert!(
            rms < rms_limit && max < 5e-3,
            "{name} {file}: rms {rms}, max {max}"
        );
    }
}

fn passive(net: &Network, m: &Morphology, dt: f64) -> SpatialNeuron {
    let neuron = SpatialNeuron::new(
        net,
        m,
        PASSIVE,
        SpatialNeuronOptions {
            cm: 0.01,
            ri: 1.0,
            dt: Some(dt),
            ..Default::default()
        },
    )
    .unwrap();
    neuron.set("gL", 0.25).unwrap(); // Rm = 40000 ohm*cm**2
    neuron.set("EL", -0.065).unwrap();
    neuron.set("v", -0.065).unwrap();
    neuron.set_at("I", 0, 0.1e-9).unwrap();
    neuron
}

/// Rallpack 1: a uniform passive cable, 1 mm long, 1 um thick, 1000 compartments.
#[test]
#[ignore = "5001 steps of 1000 compartments; run with --ignored (release)"]
fn rallpack1_uniform_cable() {
    let net = Network::new();
    let m = Morphology::cylinder(UM, 1000, Extent::Length(vec![1000.0 * UM])).unwrap();
    let dt = 0.05e-3;
    let neuron = passive(&net, &m, dt);
    let v = run_and_record(&net, &neuron, vec![0, 999], dt);
    check(
        "Rallpack 1",
        [("ref_cable.0", &v[0]), ("ref_cable.x", &v[1])],
        1e-3,
    );
}

/// Rallpack 2: a binary tree of 10 levels (1023 one-compartment cylinders) obeying Rall's
/// 3/2 rule, root 32 um thick and 16 um long; each level's diameter is divided by 2^(1/3)
/// and its length by 2^(2/3).
#[test]
#[ignore = "5001 steps of 1023 compartments; run with --ignored (release)"]
fn rallpack2_branched_cable() {
    fn grow(node: &mut Morphology, depth: usize, diameter: f64, length: f64) {
        if depth == 10 {
            return;
        }
        for side in ["L", "R"] {
            let mut child =
                Morphology::cylinder(diameter, 1, Extent::Length(vec![length])).unwrap();
            grow(
                &mut child,
                depth + 1,
                diameter / 2f64.powf(1.0 / 3.0),
                length / 2f64.powf(2.0 / 3.0),
            );
            node.add_child(side, child).unwrap();
        }
    }
    let (d0, l0) = (32.0 * UM, 16.0 * UM);
    let mut m = Morphology::cylinder(d0, 1, Extent::Length(vec![l0])).unwrap();
    grow(
        &mut m,
        1,
        d0 / 2f64.powf(1.0 / 3.0),
        l0 / 2f64.powf(2.0 / 3.0),
    );
    assert_eq!(m.total_compartments(), 1023);
    let net = Network::new();
    let dt = 0.05e-3;
    let neuron = passive(&net, &m, dt);
    let tip = m.total_compartments() - 1; // every tip carries the same voltage
    let v = run_and_record(&net, &neuron, vec![0, tip], dt);
    check(
        "Rallpack 2",
        [("ref_branch.0", &v[0]), ("ref_branch.x", &v[1])],
        2.5e-3,
    );
}

const HH_AXON: &str = "Im = gl*(El - v) + gNa*m**3*h*(ENa - v) + gK*n**4*(EK - v) : amp/meter**2
dm/dt = alpham*(1 - m) - betam*m : 1
dn/dt = alphan*(1 - n) - betan*n : 1
dh/dt = alphah*(1 - h) - betah*h : 1
v_shifted = v - El : volt
alpham = (0.1/mV)*(-v_shifted + 25*mV)/(exp((-v_shifted + 25*mV)/(10*mV)) - 1)/ms : Hz
betam = 4*exp(-v_shifted/(18*mV))/ms : Hz
alphah = 0.07*exp(-v_shifted/(20*mV))/ms : Hz
betah = 1/(exp((-v_shifted + 30*mV)/(10*mV)) + 1)/ms : Hz
alphan = (0.01/mV)*(-v_shifted + 10*mV)/(exp((-v_shifted + 10*mV)/(10*mV)) - 1)/ms : Hz
betan = 0.125*exp(-v_shifted/(80*mV))/ms : Hz
I : amp (point current)
gl = 0.025*msiemens/cm**2 : siemens/meter**2
El = -65*mV : volt
ENa = 50*mV : volt
EK = -77*mV : volt
gNa = 120*msiemens/cm**2 : siemens/meter**2
gK = 36*msiemens/cm**2 : siemens/meter**2";

/// Rallpack 3: the same cable with Hodgkin-Huxley channels (dt = 1 us), against NEURON.
#[test]
#[ignore = "250001 steps of 1000 compartments; run with --ignored (release)"]
fn rallpack3_hh_axon() {
    let net = Network::new();
    let m = Morphology::cylinder(UM, 1000, Extent::Length(vec![1000.0 * UM])).unwrap();
    let dt = 1e-6;
    let neuron = SpatialNeuron::new(
        &net,
        &m,
        HH_AXON,
        SpatialNeuronOptions {
            cm: 0.01,
            ri: 1.0,
            dt: Some(dt),
            method: Some("exponential_euler".into()),
            ..Default::default()
        },
    )
    .unwrap();
    neuron.set("v", -0.065).unwrap();
    neuron.set("m", 0.0529324852572).unwrap();
    neuron.set("n", 0.317676914061).unwrap();
    neuron.set("h", 0.596120753508).unwrap();
    neuron.set_at("I", 0, 0.1e-9).unwrap();
    let v = run_and_record(&net, &neuron, vec![0, 999], dt);
    check(
        "Rallpack 3",
        [("ref_axon.0.neuron", &v[0]), ("ref_axon.x.neuron", &v[1])],
        1e-3,
    );
}
