//! SpatialNeuron against Rallpacks 1 and 2 (tests/data/rallpack, analytic solutions) and
//! against Brian2 2.9 (tests/data/spatial, made by make_reference.py there).

use crate::jitted;
use rheobase_morphology::{Extent, Morphology};
use rheobase_runtime::{
    Record, SpatialNeuron, SpatialNeuronOptions, SpikeMonitor, StateMonitor, StateMonitorOptions,
};
use std::path::PathBuf;

const UM: f64 = 1e-6;

fn data(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(path)
}

/// Rows of whitespace-separated numbers (`#` lines skipped).
fn table(path: &str) -> Vec<Vec<f64>> {
    std::fs::read_to_string(data(path))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split_whitespace().map(|x| x.parse().unwrap()).collect())
        .collect()
}

/// Rallpack's measures: RMS and maximum error relative to the reference's range.
fn rallpack_errors(reference: &[Vec<f64>], ours: &[f64]) -> (f64, f64) {
    assert_eq!(reference.len(), ours.len());
    let v: Vec<f64> = reference.iter().map(|r| r[1]).collect();
    let scale =
        v.iter().cloned().fold(f64::MIN, f64::max) - v.iter().cloned().fold(f64::MAX, f64::min);
    let sq: Vec<f64> = v.iter().zip(ours).map(|(a, b)| (a - b).powi(2)).collect();
    let rms = (sq.iter().sum::<f64>() / sq.len() as f64).sqrt() / scale;
    let max = sq.iter().cloned().fold(0.0, f64::max).sqrt() / scale;
    (rms, max)
}

const PASSIVE: &str = "Im = gL*(EL - v) : amp/meter**2\nI : amp (point current, constant)\ngL : siemens/meter**2\nEL : volt";

fn rallpack_options(dt: f64) -> SpatialNeuronOptions {
    SpatialNeuronOptions {
        cm: 0.01,
        ri: 1.0,
        dt: Some(dt),
        ..Default::default()
    }
}

fn record_at_start(neuron: &SpatialNeuron, indices: Vec<usize>) -> StateMonitor {
    StateMonitor::new(
        neuron,
        &["v"],
        Record::Indices(indices),
        StateMonitorOptions {
            when: rheobase_runtime::When::new("start", 0),
            ..Default::default()
        },
    )
    .unwrap()
}

#[test]
fn rallpack1_uniform_cable() {
    let net = jitted();
    let m = Morphology::cylinder(UM, 1000, Extent::Length(vec![1000.0 * UM])).unwrap();
    let dt = 0.05e-3;
    let neuron = SpatialNeuron::new(&net, &m, PASSIVE, rallpack_options(dt)).unwrap();
    neuron.set("gL", 1.0 / 4.0).unwrap(); // 1/(40000 ohm*cm**2)
    neuron.set("EL", -0.065).unwrap();
    neuron.set("v", -0.065).unwrap();
    neuron.set_at("I", 0, 0.1e-9).unwrap();
    let mon = record_at_start(&neuron, vec![0, 999]);
    net.run(0.25 + dt).unwrap();
    for (k, file) in [(0, "rallpack/ref_cable.0"), (1, "rallpack/ref_cable.x")] {
        let (rms, max) = rallpack_errors(&table(file), &mon.trace("v", k).unwrap());
        println!(
            "{file}: relative RMS {:.4} %, max {:.4} %",
            100.0 * rms,
            100.0 * max
        );
        assert!(rms < 1e-3 && max < 5e-3, "{file}: rms {rms}, max {max}");
    }
}

#[test]
fn rallpack2_branched_tree() {
    // 10 levels of single-compartment cylinders; d^(3/2) is conserved at every branch point.
    fn level(depth: usize, d: f64, l: f64) -> Morphology {
        let mut m = Morphology::cylinder(d, 1, Extent::Length(vec![l])).unwrap();
        if depth < 9 {
            let (d2, l2) = (d / 2f64.powf(1.0 / 3.0), l / 2f64.powf(2.0 / 3.0));
            m.add_child("L", level(depth + 1, d2, l2)).unwrap();
            m.add_child("R", level(depth + 1, d2, l2)).unwrap();
        }
        m
    }
    let m = level(0, 32.0 * UM, 16.0 * UM);
    assert_eq!(m.total_sections(), 1023);
    let tip = m
        .flatten()
        .section(&m, "LLLLLLLLL")
        .unwrap()
        .compartments
        .start;
    let other_tip = m
        .flatten()
        .section(&m, "RRRRRRRRR")
        .unwrap()
        .compartments
        .start;
    let net = jitted();
    let dt = 0.1e-3;
    let neuron = SpatialNeuron::new(&net, &m, PASSIVE, rallpack_options(dt)).unwrap();
    neuron.set("gL", 1.0 / 4.0).unwrap();
    neuron.set("EL", -0.065).unwrap();
    neuron.set("v", -0.065).unwrap();
    neuron.set_at("I", 0, 0.1e-9).unwrap();
    let mon = record_at_start(&neuron, vec![0, tip, other_tip]);
    net.run(0.25 + dt).unwrap();
    let every_second = |rows: Vec<Vec<f64>>| rows.into_iter().step_by(2).collect::<Vec<_>>();
    for (k, file) in [(0, "rallpack/ref_branch.0"), (1, "rallpack/ref_branch.x")] {
        let (rms, max) = rallpack_errors(&every_second(table(file)), &mon.trace("v", k).unwrap());
        println!(
            "{file}: relative RMS {:.4} %, max {:.4} %",
            100.0 * rms,
            100.0 * max
        );
        assert!(rms < 2.5e-3 && max < 5e-3, "{file}: rms {rms}, max {max}");
    }
    let (a, b) = (mon.trace("v", 1).unwrap(), mon.trace("v", 2).unwrap());
    assert!(
        a.iter().zip(&b).all(|(x, y)| (x - y).abs() < 1e-12),
        "tips are symmetric"
    );
}

fn compare_with_brian2(file: &str, traces: &[Vec<f64>], tolerance: f64) {
    let reference = table(file);
    for (column, ours) in traces.iter().enumerate() {
        assert_eq!(ours.len(), reference.len(), "{file}: number of samples");
        let worst = reference
            .iter()
            .zip(ours)
            .map(|(row, v)| (row[column + 1] - v).abs())
            .fold(0.0, f64::max);
        println!("{file} column {}: max |difference| {worst:e} V", column + 1);
        assert!(worst < tolerance, "{file} column {}: {worst} V", column + 1);
    }
}

#[test]
fn passive_soma_and_dendrite_match_brian2() {
    let mut m = Morphology::soma(20.0 * UM).unwrap();
    m.add_child(
        "dend",
        Morphology::cylinder(UM, 20, Extent::Length(vec![200.0 * UM])).unwrap(),
    )
    .unwrap();
    let net = jitted();
    let neuron = SpatialNeuron::new(
        &net,
        &m,
        PASSIVE,
        SpatialNeuronOptions {
            cm: 0.01,
            ri: 1.0,
            dt: Some(0.025e-3),
            method: Some("exact".into()),
            ..Default::default()
        },
    )
    .unwrap();
    neuron.set("gL", 1.0).unwrap();
    neuron.set("EL", -0.07).unwrap();
    neuron.set("v", -0.07).unwrap();
    neuron.set_at("I", 0, 0.1e-9).unwrap();
    let mon = StateMonitor::new(
        &neuron,
        &["v"],
        Record::Indices(vec![0, 10, 20]),
        Default::default(),
    )
    .unwrap();
    net.run(0.01).unwrap();
    let traces: Vec<Vec<f64>> = (0..3).map(|k| mon.trace("v", k).unwrap()).collect();
    // Rounding differs (Brian2 solves per section then over the junctions, with -ffast-math).
    compare_with_brian2("spatial/passive_cable.txt", &traces, 1e-8);
}

#[test]
fn hh_ball_and_stick_matches_brian2() {
    let mut m = Morphology::soma(30.0 * UM).unwrap();
    m.add_child(
        "dend",
        Morphology::cylinder(UM, 30, Extent::Length(vec![300.0 * UM])).unwrap(),
    )
    .unwrap();
    let model = "Im = gl * (El-v) + gNa * m**3 * h * (ENa-v) + gK * n**4 * (EK-v) : amp/meter**2
        I : amp (point current)
        dm/dt = alpham * (1-m) - betam * m : 1
        dn/dt = alphan * (1-n) - betan * n : 1
        dh/dt = alphah * (1-h) - betah * h : 1
        alpham = (0.1/mV) * 10*mV/exprel((-v+25*mV)/(10*mV))/ms : Hz
        betam = 4 * exp(-v/(18*mV))/ms : Hz
        alphah = 0.07 * exp(-v/(20*mV))/ms : Hz
        betah = 1/(exp((-v+30*mV) / (10*mV)) + 1)/ms : Hz
        alphan = (0.01/mV) * 10*mV/exprel((-v+10*mV)/(10*mV))/ms : Hz
        betan = 0.125*exp(-v/(80*mV))/ms : Hz
        gNa : siemens/meter**2
        gl = 0.3*msiemens/cm**2 : siemens/meter**2
        gK = 36*msiemens/cm**2 : siemens/meter**2
        El = 10.613*mV : volt
        ENa = 115*mV : volt
        EK = -12*mV : volt";
    let net = jitted();
    let neuron = SpatialNeuron::new(
        &net,
        &m,
        model,
        SpatialNeuronOptions {
            cm: 0.01,
            ri: 1.0,
            dt: Some(0.01e-3),
            method: Some("exponential_euler".into()),
            threshold: Some("v > 50*mV".into()),
            threshold_location: Some(0),
            refractory: rheobase_runtime::Refractory::Expression("v > 50*mV".into()),
            ..Default::default()
        },
    )
    .unwrap();
    neuron.set("v", 0.0).unwrap();
    neuron.set("h", 1.0).unwrap();
    neuron.set("m", 0.0).unwrap();
    neuron.set("n", 0.5).unwrap();
    neuron.set("gNa", 1200.0).unwrap();
    neuron.set_at("I", 0, 0.2e-9).unwrap();
    let mon = StateMonitor::new(
        &neuron,
        &["v"],
        Record::Indices(vec![0, 15, 30]),
        Default::default(),
    )
    .unwrap();
    let spikes = SpikeMonitor::spikes(&neuron, Default::default()).unwrap();
    net.run(0.02).unwrap();
    let traces: Vec<Vec<f64>> = (0..3).map(|k| mon.trace("v", k).unwrap()).collect();
    compare_with_brian2("spatial/hh_ball_and_stick.txt", &traces, 1e-6);
    let expected: Vec<f64> = table("spatial/hh_ball_and_stick_spikes.txt")
        .into_iter()
        .map(|r| r[0])
        .collect();
    let ours = spikes.t();
    assert_eq!(
        ours.len(),
        expected.len(),
        "spike count: ours {ours:?}, Brian2 {expected:?}"
    );
    for (a, b) in ours.iter().zip(&expected) {
        assert!((a - b).abs() < 1e-9, "spike at {a} s, Brian2 {b} s");
    }
}
