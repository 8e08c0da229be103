//! The issue 6 benchmarks from Rust, the same models as `bench/spatial_axon.py` and
//! `bench/spatial_swc.py` (which compare with Brian2 2.9): prints one JSON line per model with
//! the wall time of each repetition's simulation loop.
//!
//! - `axon`: the HH axon, 1000 compartments, 10 cm, dt 10 us, a pulse at x = 0 for 0.5 ms.
//! - `swc`: an SWC cell (default: Brian2's mp_ma_40984_gc2), HH soma and passive dendrites,
//!   dt 25 us, a 0.2 nA step into the soma from 10 to 60 ms.
//! - `cells`: `--cells N` copies of that cell in one SpatialNeuron (stimulus 0 to 0.4 nA and
//!   sodium density 100 to 140 mS/cm**2 across cells), and `--alone K` of them one network
//!   each, for the time per cell both ways.
//!
//! ```text
//! cargo run --release -p rheobase --example bench_spatial -- axon|swc|cells
//!     [--duration-ms T] [--reps R] [--cells N] [--alone K] [--threads T] [--file F]
//! ```
//!
//! A benchmark, not a test: nothing here asserts on times.

use std::error::Error;
use std::time::Instant;

use rheobase::prelude::*;

type Outcome<T> = std::result::Result<T, Box<dyn Error>>;

const RATES: &str = "dm/dt = a_m*(1 - m) - b_m*m : 1
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

struct Args {
    duration: f64,
    reps: usize,
    cells: usize,
    alone: usize,
    threads: usize,
    file: String,
}

/// Builds and runs the HH axon; returns the loop seconds and the spike count.
fn axon(args: &Args) -> Outcome<(f64, usize)> {
    let net = Network::new();
    net.set_threads(args.threads)?;
    let morpho = Morphology::cylinder(476e-6, 1000, Extent::Length(vec![0.1]))?;
    let model = format!(
        "Im = gL*(EL - v) + gNa_max*m**3*h*(ENa - v) + gK_max*n**4*(EK - v) : amp/meter**2\n\
         I : amp (point current)\n{RATES}"
    );
    let axon = SpatialNeuron::new(
        &net,
        &morpho,
        &model,
        SpatialNeuronOptions {
            cm: 0.01,
            ri: 0.354,
            dt: Some(10e-6),
            method: Some("exponential_euler".into()),
            threshold: Some("v > 0*mV".into()),
            refractory: Refractory::Expression("v > 0*mV".into()),
            namespace: namespace(&[
                ("gL", "0.3*msiemens/cm**2"),
                ("EL", "-54.4*mV"),
                ("ENa", "50*mV"),
                ("EK", "-77*mV"),
                ("gNa_max", "120*msiemens/cm**2"),
                ("gK_max", "36*msiemens/cm**2"),
            ])?,
            ..Default::default()
        },
    )?;
    resting(&axon)?;
    axon.run_regularly(
        "I = 10*uA*int(t < 0.5*ms)*int(i == 0)",
        RunRegularlyOptions {
            dt: Some(10e-6),
            ..Default::default()
        },
    )?;
    let spikes = SpikeMonitor::spikes(&axon, Default::default())?;
    let start = Instant::now();
    net.run(args.duration)?;
    Ok((start.elapsed().as_secs_f64(), spikes.i().len()))
}

/// Cells `first..first + cells` of a population of `total` in one SpatialNeuron (cell `c`
/// gets the fraction `c / (total - 1)` of the stimulus and sodium ranges; with `total == 1`
/// the single cell of the Brian2 benchmark); returns the loop seconds, the seconds to build
/// the network (compiling its kernels) and the spikes per cell.
#[allow(clippy::approx_constant)] // n = 0.318 is the resting gating value, not 1/pi
fn swc_cells(
    args: &Args,
    morpho: &Morphology,
    first: usize,
    cells: usize,
    total: usize,
) -> Outcome<(f64, f64, Vec<usize>)> {
    let built = Instant::now();
    let net = Network::new();
    net.set_threads(args.threads)?;
    let model = format!(
        "Im = gL*(EL - v) + gNa*m**3*h*(ENa - v) + gK*n**4*(EK - v) : amp/meter**2\n\
         I : amp (point current)\nstim : amp\ngNa : siemens/meter**2\ngK : siemens/meter**2\n\
         {RATES}"
    );
    let neuron = SpatialNeuron::new(
        &net,
        morpho,
        &model,
        SpatialNeuronOptions {
            cm: 0.01,
            ri: 1.5,
            dt: Some(25e-6),
            method: Some("exponential_euler".into()),
            threshold: Some("v > -20*mV".into()),
            threshold_location: Some(0),
            refractory: Refractory::Expression("v > -20*mV".into()),
            namespace: namespace(&[
                ("gL", "0.1*msiemens/cm**2"),
                ("EL", "-65*mV"),
                ("ENa", "50*mV"),
                ("EK", "-77*mV"),
            ])?,
            cells,
            ..Default::default()
        },
    )?;
    neuron.set("v", -0.065)?;
    neuron.set("m", 0.053)?;
    neuron.set("h", 0.596)?;
    neuron.set("n", 0.318)?;
    for c in 0..cells {
        let (g_na, stim) = if total == 1 {
            (1200.0, 0.2e-9)
        } else {
            let f = (first + c) as f64 / (total - 1) as f64;
            (1000.0 + 400.0 * f, 0.4e-9 * f)
        };
        let cell = neuron.cell(c)?;
        cell.set_at("gNa", 0, g_na)?;
        cell.set_at("gK", 0, 360.0)?;
        cell.set_at("stim", 0, stim)?;
    }
    neuron.run_regularly(
        "I = stim*int(t >= 10*ms)*int(t < 60*ms)",
        RunRegularlyOptions {
            dt: Some(25e-6),
            ..Default::default()
        },
    )?;
    let spikes = SpikeMonitor::spikes(&neuron, Default::default())?;
    let start = Instant::now();
    let build = (start - built).as_secs_f64();
    net.run(args.duration)?;
    let elapsed = start.elapsed().as_secs_f64();
    let n = neuron.compartments();
    let mut counts = vec![0; cells];
    for i in spikes.i() {
        counts[i / n] += 1;
    }
    Ok((elapsed, build, counts))
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn list(xs: &[f64]) -> String {
    let items: Vec<String> = xs.iter().map(|x| format!("{x:.4}")).collect();
    format!("[{}]", items.join(", "))
}

fn run(which: &str, args: &Args) -> Outcome<()> {
    let common = format!(
        "\"sim\": \"rheobase\", \"target\": \"rust\", \"threads\": {}, \"duration_s\": {}",
        args.threads, args.duration
    );
    match which {
        "axon" => {
            let mut times = Vec::new();
            let mut spikes = 0;
            for _ in 0..args.reps {
                let (t, s) = axon(args)?;
                times.push(t);
                spikes = s;
            }
            println!(
                "{{\"model\": \"hh_axon\", {common}, \"compartments\": 1000, \"loop_s\": {}, \
                 \"loop_median_s\": {:.4}, \"spikes\": {spikes}}}",
                list(&times),
                median(times.clone())
            );
        }
        "swc" => {
            let morpho = Morphology::from_file(&args.file)?;
            let mut times = Vec::new();
            let mut spikes = Vec::new();
            for _ in 0..args.reps {
                let (t, _, s) = swc_cells(args, &morpho, 0, 1, 1)?;
                times.push(t);
                spikes = s;
            }
            println!(
                "{{\"model\": \"swc_cell\", {common}, \"compartments\": {}, \"loop_s\": {}, \
                 \"loop_median_s\": {:.4}, \"spikes\": {}}}",
                morpho.total_compartments(),
                list(&times),
                median(times.clone()),
                spikes[0]
            );
        }
        "cells" => {
            let morpho = Morphology::from_file(&args.file)?;
            let total = args.cells.max(2);
            let (together, group_build, counts) = swc_cells(args, &morpho, 0, total, total)?;
            let alone = args.alone.min(total);
            let (mut alone_times, mut alone_build) = (Vec::new(), 0.0);
            for k in 0..alone {
                let c = if alone > 1 {
                    k * (total - 1) / (alone - 1)
                } else {
                    0
                };
                let (t, build, own) = swc_cells(args, &morpho, c, 1, total)?;
                alone_build += build;
                if own[0] != counts[c] {
                    return Err(format!(
                        "cell {c}: {} spikes alone, {} in the group",
                        own[0], counts[c]
                    )
                    .into());
                }
                alone_times.push(t);
            }
            let per_cell_alone = alone_times.iter().sum::<f64>() / alone.max(1) as f64;
            let shown: Vec<String> = (0..10)
                .map(|k| counts[k * (total - 1) / 9].to_string())
                .collect();
            println!(
                "{{\"model\": \"swc_cells\", {common}, \"cells\": {total}, \"compartments\": {}, \
                 \"group_loop_s\": {together:.3}, \"group_build_s\": {group_build:.3}, \
                 \"group_per_cell_s\": {:.6}, \"alone_runs\": {alone}, \
                 \"alone_per_cell_s\": {per_cell_alone:.6}, \"alone_build_per_cell_s\": {:.6}, \
                 \"spikes_total\": {}, \"spikes_every_tenth_cell\": [{}]}}",
                morpho.total_compartments(),
                together / total as f64,
                alone_build / alone.max(1) as f64,
                counts.iter().sum::<usize>(),
                shown.join(", ")
            );
        }
        other => return Err(format!("unknown benchmark '{other}' (axon, swc, cells)").into()),
    }
    Ok(())
}

fn main() -> Outcome<()> {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str| {
        argv.iter()
            .position(|a| a == name)
            .and_then(|k| argv.get(k + 1))
            .cloned()
    };
    let number = |name: &str, default: f64| -> Outcome<f64> {
        match value(name) {
            Some(v) => Ok(v.parse().map_err(|e| format!("{name} {v}: {e}"))?),
            None => Ok(default),
        }
    };
    let which: Vec<&str> = argv
        .iter()
        .enumerate()
        .filter(|(k, a)| !a.starts_with("--") && (*k == 0 || !argv[k - 1].starts_with("--")))
        .map(|(_, a)| a.as_str())
        .collect();
    let default_file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../rheobase-morphology/tests/data/swc/mp_ma_40984_gc2.CNG.swc"
    );
    let mut args = Args {
        duration: 0.1,
        reps: number("--reps", 3.0)? as usize,
        cells: number("--cells", 100.0)? as usize,
        alone: number("--alone", 10.0)? as usize,
        threads: number("--threads", 1.0)? as usize,
        file: value("--file").unwrap_or_else(|| default_file.to_string()),
    };
    let which = if which.is_empty() {
        vec!["axon", "swc", "cells"]
    } else {
        which
    };
    for w in which {
        let default_ms = if w == "swc" { 80.0 } else { 100.0 };
        args.duration = number("--duration-ms", default_ms)? * 1e-3;
        run(w, &args)?;
    }
    Ok(())
}
