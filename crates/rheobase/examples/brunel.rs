//! Brunel (2000) sparse network of 10000 excitatory and 2500 inhibitory LIF neurons, as in
//! Brian2's `examples/frompapers/Brunel_2000.py`: connection probability 0.1, J = 0.1 mV,
//! inhibition g*J, a 1.5 ms delay on every synapse, and external drive by a `PoissonInput`
//! of C_ext = 1000 inputs at nu_ext = nu * nu_thr per neuron (no synapses for it). Prints
//! the firing rates and compares them with Brian2 2.9 runs of the same model.
//!
//!     cargo run --release -p rheobase --example brunel [-- --duration 0.5 --seed 1]
//!
//! Reference: `reference/brunel.py` (Brian2 script) and `reference/brunel_g5_nu2.json`.

use std::process::ExitCode;
use std::time::Instant;

use rheobase::prelude::*;

const N_E: usize = 10000;
const N_I: usize = 2500;
const EPSILON: f64 = 0.1;
const G: f64 = 5.0;
const NU_OVER_NU_THR: f64 = 2.0;

/// Brian2 2.9 (`reference/brunel_g5_nu2.json`, seeds 1 and 2, 0.5 s, numpy target): the
/// mean firing rate of all neurons in Hz (39.01 and 36.44), and its standard deviation over
/// seeds. The network oscillates (population rate std about 19 Hz in 1 ms bins), so one
/// seed's mean rate varies by about 5 %; rheobase gives 37.05 Hz (seed 1) and 40.45 Hz
/// (seed 2).
const BRIAN2_RATE_HZ: f64 = 37.723;
const BRIAN2_RATE_SPREAD_HZ: f64 = 1.820;

fn arg(args: &[String], name: &str) -> Option<f64> {
    let k = args.iter().position(|a| a == name)?;
    args.get(k + 1)?.parse().ok()
}

struct Outcome {
    rate_exc: f64,
    rate_inh: f64,
    rate: f64,
    n_exc: usize,
    n_inh: usize,
    build_s: f64,
    run_s: f64,
}

fn simulate(duration: f64, seed: u64) -> Result<Outcome> {
    let start = Instant::now();
    let net = Network::new();
    net.seed(seed);
    let bad = |e: QuantityExprError| RuntimeError::invalid("brunel", e.to_string());
    let ns = namespace(&[
        ("tau", "20*ms"),
        ("theta", "20*mV"),
        ("V_r", "10*mV"),
        ("J", "0.1*mV"),
    ])
    .map_err(bad)?;
    let mut syn_ns = ns.clone();
    syn_ns.insert("g".into(), Quantity::dimensionless(G));
    let neurons = NeuronGroup::new(
        &net,
        N_E + N_I,
        "dv/dt = -v/tau : volt (unless refractory)",
        NeuronGroupOptions {
            threshold: Some("v > theta".into()),
            reset: Some("v = V_r".into()),
            refractory: Refractory::Duration(2e-3),
            method: Some("exact".into()),
            namespace: ns,
            ..Default::default()
        },
    )?;
    let pathway = |code: &str| SynapsesOptions {
        on_pre: code.into(),
        delay: Delay::Scalar(1.5e-3),
        namespace: syn_ns.clone(),
        ..Default::default()
    };
    let exc = Synapses::new(&neurons.subgroup(0..N_E)?, &neurons, "", pathway("v += J"))?;
    exc.connect(Connect::p(EPSILON))?;
    let inh = Synapses::new(
        &neurons.subgroup(N_E..N_E + N_I)?,
        &neurons,
        "",
        pathway("v += -g*J"),
    )?;
    inh.connect(Connect::p(EPSILON))?;
    // nu_thr = theta/(J*C_E*tau) = 10 Hz for these parameters.
    let c_ext = (EPSILON * N_E as f64) as u64;
    let nu_thr = 20e-3 / (0.1e-3 * c_ext as f64 * 20e-3);
    let weight = q("0.1*mV").map_err(bad)?;
    PoissonInput::new(
        &neurons,
        "v",
        c_ext,
        NU_OVER_NU_THR * nu_thr,
        weight,
        Default::default(),
    )?;
    let spikes = SpikeMonitor::spikes(
        &neurons,
        EventMonitorOptions {
            record: false,
            ..Default::default()
        },
    )?;
    let build_s = start.elapsed().as_secs_f64();
    let start = Instant::now();
    net.run(duration)?;
    let run_s = start.elapsed().as_secs_f64();
    let count = spikes.count();
    let sum = |r: std::ops::Range<usize>| count[r].iter().sum::<u64>() as f64;
    Ok(Outcome {
        rate_exc: sum(0..N_E) / N_E as f64 / duration,
        rate_inh: sum(N_E..N_E + N_I) / N_I as f64 / duration,
        rate: sum(0..N_E + N_I) / (N_E + N_I) as f64 / duration,
        n_exc: exc.len(),
        n_inh: inh.len(),
        build_s,
        run_s,
    })
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let duration = arg(&args, "--duration").unwrap_or(0.5);
    let seed = arg(&args, "--seed").unwrap_or(1.0) as u64;
    let out = match simulate(duration, seed) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "Brunel 2000, g = {G}, nu_ext/nu_thr = {NU_OVER_NU_THR}, {duration} s (build {:.2} s, run {:.2} s)",
        out.build_s, out.run_s
    );
    // Synapse counts: binomial(N_pre * N_post, 0.1), 5 standard deviations.
    let mut ok = true;
    for (label, n, n_pre) in [
        ("excitatory", out.n_exc, N_E),
        ("inhibitory", out.n_inh, N_I),
    ] {
        let pairs = (n_pre * (N_E + N_I)) as f64;
        let (mean, sd) = (pairs * EPSILON, (pairs * EPSILON * (1.0 - EPSILON)).sqrt());
        let within = (n as f64 - mean).abs() < 5.0 * sd;
        ok &= within;
        println!("{label} synapses: {n} (expected {mean:.0} +- {sd:.0})");
    }
    println!(
        "rates: all {:.2} Hz, excitatory {:.2} Hz, inhibitory {:.2} Hz",
        out.rate, out.rate_exc, out.rate_inh
    );
    // One seed here against the mean of Brian2's seeds: 5 %, or 3 seed standard deviations
    // when the seed-to-seed spread is larger (it is here).
    let tolerance = (0.05 * BRIAN2_RATE_HZ).max(3.0 * BRIAN2_RATE_SPREAD_HZ);
    let rate_ok = (out.rate - BRIAN2_RATE_HZ).abs() <= tolerance;
    println!(
        "Brian2 2.9: {BRIAN2_RATE_HZ:.2} Hz (seed spread {BRIAN2_RATE_SPREAD_HZ:.2} Hz): {}",
        if rate_ok { "agrees" } else { "DIFFERS" }
    );
    if ok && rate_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
