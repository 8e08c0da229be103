//! Multicompartment neurons from Rust (`SpatialNeuron`):
//!
//! 1. A Hodgkin-Huxley axon of 1000 compartments (the squid giant axon, 10 cm): a current
//!    pulse at one end starts a spike; prints the propagation velocity from the spike times
//!    at 1/4 and 3/4 of the length.
//! 2. A neuron loaded from an SWC file (default: a dentate granule cell from NeuroMorpho.Org
//!    in rheobase-morphology's test data) with HH channels at the soma and passive dendrites;
//!    a current step at the soma; prints the somatic spike times and the peak depolarisation
//!    at the most distant compartment.
//!
//! 3. Beyond Brian2: `--cells N` (default 100) copies of that neuron in one SpatialNeuron,
//!    each with its own stimulus (0 to 0.4 nA) and sodium density (100 to 140 mS/cm**2),
//!    simulated in one run: prints the spike counts per cell (an f-I curve), the time per
//!    cell, and the time of the same cells simulated one by one (`--alone K` of them, default
//!    10, scaled to N).
//!
//!     cargo run --release -p rheobase --example spatial_neurons [-- file.swc] [--cells N] [--alone K] [--threads T]

use std::process::ExitCode;
use std::time::Instant;

use rheobase::prelude::*;

const HH: &str = "Im = gL*(EL - v) + gNa*m**3*h*(ENa - v) + gK*n**4*(EK - v) : amp/meter**2
I : amp (point current)
gNa : siemens/meter**2
gK : siemens/meter**2
gL : siemens/meter**2
EL : volt
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

fn resting(neuron: &SpatialNeuron) -> Result<()> {
    neuron.set("v", -0.065)?;
    neuron.set("m", 0.0529)?;
    neuron.set("h", 0.5961)?;
    neuron.set("n", 0.3177)
}

fn hh_axon() -> Result<()> {
    let net = Network::new();
    let n = 1000;
    let m = Morphology::cylinder(476e-6, n, Extent::Length(vec![0.1])).expect("valid cylinder");
    let axon = SpatialNeuron::new(
        &net,
        &m,
        HH,
        SpatialNeuronOptions {
            cm: 0.01,
            ri: 0.354, // 35.4 ohm*cm
            dt: Some(10e-6),
            method: Some("exponential_euler".into()),
            threshold: Some("v > 0*mV".into()),
            refractory: Refractory::Expression("v > 0*mV".into()),
            ..Default::default()
        },
    )?;
    axon.set("gNa", 1200.0)?; // 120 mS/cm**2
    axon.set("gK", 360.0)?;
    axon.set("gL", 3.0)?;
    axon.set("EL", -0.0544)?;
    resting(&axon)?;
    let spikes = SpikeMonitor::spikes(&axon, Default::default())?;
    let start = Instant::now();
    net.run(1e-3)?;
    axon.set_at("I", 0, 10e-6)?;
    net.run(0.5e-3)?;
    axon.set_at("I", 0, 0.0)?;
    net.run(8.5e-3)?;
    let elapsed = start.elapsed().as_secs_f64();
    let (i, t) = (spikes.i(), spikes.t());
    let first = |k: usize| i.iter().zip(&t).find(|(&c, _)| c == k).map(|(_, &t)| t);
    let distance = axon.get("distance")?;
    println!("HH axon: {n} compartments, 10 ms in {elapsed:.2} s");
    match (first(250), first(750)) {
        (Some(a), Some(b)) => println!(
            "  propagation velocity: {:.2} m/s",
            (distance[750] - distance[250]) / (b - a)
        ),
        _ => println!("  the spike did not reach compartment 750"),
    }
    Ok(())
}

fn load(path: &str) -> Result<Morphology> {
    Morphology::from_file(path).map_err(|e| RuntimeError::invalid("swc", format!("{path}: {e}")))
}

fn swc_neuron(path: &str) -> Result<()> {
    let m = load(path)?;
    let net = Network::new();
    let neuron = SpatialNeuron::new(
        &net,
        &m,
        HH,
        SpatialNeuronOptions {
            cm: 0.01,
            ri: 1.5,
            dt: Some(25e-6),
            method: Some("exponential_euler".into()),
            threshold: Some("v > -20*mV".into()),
            threshold_location: Some(0),
            refractory: Refractory::Expression("v > -20*mV".into()),
            ..Default::default()
        },
    )?;
    neuron.set("gL", 1.0)?; // 0.1 mS/cm**2
    neuron.set("EL", -0.065)?;
    resting(&neuron)?;
    let soma = neuron.main()?;
    soma.set("gNa", 1200.0)?;
    soma.set("gK", 360.0)?;
    let distance = neuron.get("distance")?;
    let tip = (0..distance.len())
        .max_by(|&a, &b| distance[a].total_cmp(&distance[b]))
        .expect("at least one compartment");
    let trace = StateMonitor::new(
        &neuron,
        &["v"],
        Record::Indices(vec![0, tip]),
        Default::default(),
    )?;
    let spikes = SpikeMonitor::spikes(&neuron, Default::default())?;
    net.run(10e-3)?;
    neuron.set_at("I", 0, 0.2e-9)?;
    net.run(50e-3)?;
    neuron.set_at("I", 0, 0.0)?;
    net.run(20e-3)?;
    let tip_v = trace.trace("v", 1).expect("recorded");
    let peak = tip_v.iter().cloned().fold(f64::MIN, f64::max);
    println!(
        "SWC neuron {path}: {} sections, {} compartments",
        m.total_sections(),
        m.total_compartments()
    );
    let times: Vec<String> = spikes
        .t()
        .iter()
        .map(|t| format!("{:.2}", t * 1e3))
        .collect();
    println!("  somatic spikes at [{}] ms", times.join(", "));
    println!(
        "  most distant compartment {tip} ({:.1} um): peak {:.2} mV",
        distance[tip] * 1e6,
        peak * 1e3
    );
    Ok(())
}

/// Cells `first..first + cells` of a population of `total` (cell `c` gets the fraction
/// `c / (total - 1)` of the stimulus and sodium ranges) in one SpatialNeuron, run for 100 ms
/// (a step from 10 to 60 ms); returns the spike count per cell and the seconds of the run.
fn population(
    m: &Morphology,
    first: usize,
    cells: usize,
    total: usize,
    threads: usize,
) -> Result<(Vec<usize>, f64)> {
    let net = Network::new();
    net.set_threads(threads)?;
    let neuron = SpatialNeuron::new(
        &net,
        m,
        HH,
        SpatialNeuronOptions {
            cm: 0.01,
            ri: 1.5,
            dt: Some(25e-6),
            method: Some("exponential_euler".into()),
            threshold: Some("v > -20*mV".into()),
            threshold_location: Some(0),
            refractory: Refractory::Expression("v > -20*mV".into()),
            cells,
            ..Default::default()
        },
    )?;
    neuron.set("gL", 1.0)?;
    neuron.set("EL", -0.065)?;
    resting(&neuron)?;
    let n = neuron.compartments();
    let mut stimulus = vec![0.0; n * cells];
    for c in 0..cells {
        let f = (first + c) as f64 / (total.max(2) - 1) as f64;
        let cell = neuron.cell(c)?;
        cell.set_at("gNa", 0, 1000.0 + 400.0 * f)?; // 100 to 140 mS/cm**2
        cell.set_at("gK", 0, 360.0)?;
        stimulus[c * n] = 0.4e-9 * f;
    }
    let spikes = SpikeMonitor::spikes(&neuron, Default::default())?;
    let start = Instant::now();
    net.run(10e-3)?;
    neuron.set_values("I", &stimulus)?;
    net.run(50e-3)?;
    neuron.set("I", 0.0)?;
    net.run(40e-3)?;
    let elapsed = start.elapsed().as_secs_f64();
    let mut counts = vec![0; cells];
    for i in spikes.i() {
        counts[i / n] += 1;
    }
    Ok((counts, elapsed))
}

fn many_cells(path: &str, cells: usize, alone: usize, threads: usize) -> Result<()> {
    let m = load(path)?;
    let (counts, together) = population(&m, 0, cells, cells, threads)?;
    println!(
        "{cells} cells of {} compartments in one SpatialNeuron ({threads} thread(s)): 100 ms in \
         {together:.2} s, {:.2} ms per cell",
        m.total_compartments(),
        1e3 * together / cells as f64
    );
    let shown: Vec<String> = (0..10)
        .map(|k| k * (cells - 1) / 9)
        .map(|c| format!("{c}: {}", counts[c]))
        .collect();
    println!("  spikes per cell (cell: count) {}", shown.join(", "));
    let alone = alone.min(cells);
    if alone > 0 {
        let mut seconds = 0.0;
        for k in 0..alone {
            let c = if alone > 1 {
                k * (cells - 1) / (alone - 1)
            } else {
                0
            };
            let (own, elapsed) = population(&m, c, 1, cells, 1)?;
            seconds += elapsed;
            if own[0] != counts[c] {
                return Err(RuntimeError::Internal(format!(
                    "cell {c} alone fired {} spikes, in the group {}",
                    own[0], counts[c]
                )));
            }
        }
        println!(
            "  the same cells one network each: {:.2} ms per cell ({alone} runs, same spikes)",
            1e3 * seconds / alone as f64
        );
    }
    Ok(())
}

/// The value after `--name` on the command line, or `default`.
fn option(args: &[String], name: &str, default: usize) -> usize {
    args.iter()
        .position(|a| a == name)
        .and_then(|k| args.get(k + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() -> ExitCode {
    let default = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../rheobase-morphology/tests/data/swc/mp_ma_40984_gc2.CNG.swc"
    );
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args
        .first()
        .filter(|a| !a.starts_with("--"))
        .cloned()
        .unwrap_or_else(|| default.to_string());
    let cells = option(&args, "--cells", 100).max(2);
    let alone = option(&args, "--alone", 10);
    let threads = option(&args, "--threads", 1);
    for result in [
        hh_axon(),
        swc_neuron(&path),
        many_cells(&path, cells, alone, threads),
    ] {
        if let Err(e) = result {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
