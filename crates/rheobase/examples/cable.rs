//! Passive cables and an HH axon with `SpatialNeuron`, checked against analytic solutions and
//! the Rallpack references (Bhalla, Bilitch & Bower 1992), printing the errors.
//!
//! 1. Sealed finite cable, constant current at x = 0: steady state against
//!    `V(x) = EL + ra*lambda*I*cosh((L-x)/lambda)/sinh(L/lambda)`, for several compartment
//!    lengths (the error shrinks with dx^2).
//! 2. Rallpack 1 (1 mm uniform cable, 1000 compartments, dt = 0.05 ms, 250 ms) against the
//!    analytic traces: relative RMS and maximum error at both ends.
//! 3. With `--rallpack3`: the HH axon of Rallpack 3 (dt = 1 us, 250 ms) against NEURON's traces,
//!    and the spike propagation velocity.
//!
//!     cargo run --release -p rheobase --example cable [-- --rallpack3]
//!
//! Exits with an error when an error is above Rallpack's limits (RMS 0.1 %, max 0.5 %) or the
//! steady state is off by more than 1 uV.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use rheobase::prelude::*;

const UM: f64 = 1e-6;
const PASSIVE: &str = "Im = gL*(EL - v) : amp/meter**2
I : amp (point current)
gL : siemens/meter**2
EL : volt";

fn rallpack(name: &str) -> Vec<(f64, f64)> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../rheobase-runtime/tests/data/rallpack")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace().map(|x| x.parse::<f64>());
            Some((f.next()?.ok()?, f.next()?.ok()?))
        })
        .collect()
}

/// Relative RMS and maximum error, normalised by the reference's range.
fn errors(reference: &[(f64, f64)], ours: &[f64]) -> (f64, f64) {
    let v: Vec<f64> = reference.iter().map(|r| r.1).collect();
    let scale =
        v.iter().cloned().fold(f64::MIN, f64::max) - v.iter().cloned().fold(f64::MAX, f64::min);
    let sq: Vec<f64> = v.iter().zip(ours).map(|(a, b)| (a - b).powi(2)).collect();
    let rms = (sq.iter().sum::<f64>() / sq.len() as f64).sqrt() / scale;
    (rms, sq.iter().cloned().fold(0.0, f64::max).sqrt() / scale)
}

fn steady_state_error(n: usize) -> Result<f64> {
    let (d, l, ri, i) = (UM, 500.0 * UM, 1.0, 0.1e-9);
    let net = Network::new();
    let m = Morphology::cylinder(d, n, Extent::Length(vec![l])).expect("valid cylinder");
    let options = SpatialNeuronOptions {
        cm: 0.01,
        ri,
        dt: Some(1.0),
        ..Default::default()
    };
    let neuron = SpatialNeuron::new(&net, &m, PASSIVE, options)?;
    neuron.set("gL", 1.0)?;
    neuron.set("EL", -0.07)?;
    neuron.set("v", -0.07)?;
    neuron.set_at("I", 0, i)?;
    net.run(10.0)?; // backward Euler with dt >> tau converges to the steady state
    let lambda = (d / (4.0 * ri)).sqrt();
    let ra = 4.0 * ri / (std::f64::consts::PI * d * d);
    let v = neuron.get("v")?;
    Ok(v.iter()
        .enumerate()
        .map(|(k, vk)| {
            let x = (k as f64 + 0.5) * l / n as f64;
            let exact = -0.07 + ra * lambda * i * ((l - x) / lambda).cosh() / (l / lambda).sinh();
            (vk - exact).abs()
        })
        .fold(0.0, f64::max))
}

fn record_start(
    neuron: &SpatialNeuron,
    indices: Vec<usize>,
    dt: Option<f64>,
) -> Result<StateMonitor> {
    StateMonitor::new(
        neuron,
        &["v"],
        Record::Indices(indices),
        StateMonitorOptions {
            when: When::new("start", 0),
            dt,
            ..Default::default()
        },
    )
}

fn rallpack1() -> Result<Vec<(f64, f64)>> {
    let net = Network::new();
    let m =
        Morphology::cylinder(UM, 1000, Extent::Length(vec![1000.0 * UM])).expect("valid cylinder");
    let dt = 0.05e-3;
    let options = SpatialNeuronOptions {
        cm: 0.01,
        ri: 1.0,
        dt: Some(dt),
        ..Default::default()
    };
    let neuron = SpatialNeuron::new(&net, &m, PASSIVE, options)?;
    neuron.set("gL", 0.25)?;
    neuron.set("EL", -0.065)?;
    neuron.set("v", -0.065)?;
    neuron.set_at("I", 0, 0.1e-9)?;
    let mon = record_start(&neuron, vec![0, 999], None)?;
    let start = Instant::now();
    net.run(0.25 + dt)?;
    println!(
        "Rallpack 1: 1000 compartments, 5001 steps in {:.3} s",
        start.elapsed().as_secs_f64()
    );
    Ok(vec![
        errors(
            &rallpack("ref_cable.0"),
            &mon.trace("v", 0).expect("recorded"),
        ),
        errors(
            &rallpack("ref_cable.x"),
            &mon.trace("v", 1).expect("recorded"),
        ),
    ])
}

const HH_AXON: &str =
    "Im = gl * (El-v) + gNa * m**3 * h * (ENa-v) + gK * n**4 * (EK-v) : amp/meter**2
dm/dt = alpham * (1-m) - betam * m : 1
dn/dt = alphan * (1-n) - betan * n : 1
dh/dt = alphah * (1-h) - betah * h : 1
v_shifted = v - El : volt
alpham = (0.1/mV) * (-v_shifted+25*mV) / (exp((-v_shifted+25*mV) / (10*mV)) - 1)/ms : Hz
betam = 4 * exp(-v_shifted/(18*mV))/ms : Hz
alphah = 0.07 * exp(-v_shifted/(20*mV))/ms : Hz
betah = 1/(exp((-v_shifted+30*mV) / (10*mV)) + 1)/ms : Hz
alphan = (0.01/mV) * (-v_shifted+10*mV) / (exp((-v_shifted+10*mV) / (10*mV)) - 1)/ms : Hz
betan = 0.125*exp(-v_shifted/(80*mV))/ms : Hz
I : amp (point current)
gl = 0.025*msiemens/cm**2 : siemens/meter**2
El = -65*mV : volt
ENa = 50*mV : volt
EK = -77*mV : volt
gNa = 120*msiemens/cm**2 : siemens/meter**2
gK = 36*msiemens/cm**2 : siemens/meter**2";

fn rallpack3() -> Result<Vec<(f64, f64)>> {
    let net = Network::new();
    let m =
        Morphology::cylinder(UM, 1000, Extent::Length(vec![1000.0 * UM])).expect("valid cylinder");
    let dt = 1e-6;
    let options = SpatialNeuronOptions {
        cm: 0.01,
        ri: 1.0,
        dt: Some(dt),
        method: Some("exponential_euler".into()),
        threshold: Some("v > 0*mV".into()),
        refractory: Refractory::Expression("v > 0*mV".into()),
        ..Default::default()
    };
    let neuron = SpatialNeuron::new(&net, &m, HH_AXON, options)?;
    neuron.set("v", -0.065)?;
    neuron.set("m", 0.0529324852572)?;
    neuron.set("n", 0.317676914061)?;
    neuron.set("h", 0.596120753508)?;
    neuron.set_at("I", 0, 0.1e-9)?;
    let mon = record_start(&neuron, vec![0, 999], Some(0.05e-3))?;
    let spikes = SpikeMonitor::spikes(&neuron, Default::default())?;
    let start = Instant::now();
    net.run(0.25 + dt)?;
    println!(
        "Rallpack 3: 1000 HH compartments, 250001 steps in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    // Velocity from the first spike's arrival at compartments 100 and 900 (0.8 mm apart).
    let (i, t) = (spikes.i(), spikes.t());
    let first = |k: usize| i.iter().zip(&t).find(|(&n, _)| n == k).map(|(_, &t)| t);
    if let (Some(a), Some(b)) = (first(100), first(900)) {
        println!("spike propagation velocity: {:.3} m/s", 0.8e-3 / (b - a));
    }
    Ok(vec![
        errors(
            &rallpack("ref_axon.0.neuron"),
            &mon.trace("v", 0).expect("recorded"),
        ),
        errors(
            &rallpack("ref_axon.x.neuron"),
            &mon.trace("v", 1).expect("recorded"),
        ),
    ])
}

fn main() -> ExitCode {
    let mut ok = true;
    println!("sealed cable (1 lambda), steady state against the analytic solution:");
    for n in [100, 200, 400, 1000] {
        match steady_state_error(n) {
            Ok(e) => {
                println!("  {n:5} compartments: max error {:.4} uV", e * 1e6);
                if n == 1000 && e > 1e-6 {
                    ok = false;
                }
            }
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let mut runs = vec![("Rallpack 1", rallpack1())];
    if std::env::args().any(|a| a == "--rallpack3") {
        runs.push(("Rallpack 3", rallpack3()));
    }
    for (name, result) in runs {
        match result {
            Ok(ends) => {
                for (end, (rms, max)) in ["x = 0", "x = L"].iter().zip(ends) {
                    println!(
                        "{name} at {end}: relative RMS error {:.4} %, max {:.4} %",
                        100.0 * rms,
                        100.0 * max
                    );
                    ok &= rms < 1e-3 && max < 5e-3;
                }
            }
            Err(e) => {
                eprintln!("{name}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        eprintln!("an error is above its limit");
        ExitCode::FAILURE
    }
}
