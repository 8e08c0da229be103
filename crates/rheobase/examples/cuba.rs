//! CUBA: benchmark 2 of Brette et al. (2007), after Vogels & Abbott (2005). 4000 LIF neurons
//! (3200 excitatory, 800 inhibitory), random connectivity with p = 2 %, exponentially decaying
//! currents expressed as voltages, 5 ms refractory period, 1 s. Prints rates, synapse counts
//! and timings; Brian2 2.9's rates for the same script (several seeds) are in the report of
//! the synapses work and `../shared/acceptance/reference/cuba.json` (seed 20070).
//!
//! Measured on 2026-11-26 (mean population rate over seeds 1-5, rheobase seeds are
//! `net.seed(n)`, Brian2 2.9 `seed(n)` with the cython target): rheobase 5.51 Hz (5.70, 5.41,
//! 5.23, 5.54, 5.66), Brian2 5.66 Hz (5.62, 5.53, 5.62, 5.82, 5.72); -2.7 %.
//!
//!     cargo run --release -p rheobase --example cuba [seed]

use rheobase::prelude::*;
use std::time::Instant;

#[path = "common/cpu_time.rs"]
mod cpu_time;

const MODEL: &str = "dv/dt = (ge + gi - (v - E_rest))/tau_m : volt (unless refractory)
dge/dt = -ge/tau_exc : volt
dgi/dt = -gi/tau_inh : volt";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let seed: u64 = std::env::args()
        .nth(1)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(20070);
    let start = Instant::now();
    let net = Network::new();
    net.seed(seed);
    let ns = namespace(&[
        ("n_exc", "3200"),
        ("tau_m", "20*ms"),
        ("tau_exc", "5*ms"),
        ("tau_inh", "10*ms"),
        ("V_threshold", "-50*mV"),
        ("V_reset", "-60*mV"),
        ("E_rest", "-49*mV"),
        ("w_exc", "(60*0.27/10)*mV"),
        ("w_inh", "(-20*4.5/10)*mV"),
    ])?;
    let population = NeuronGroup::new(
        &net,
        4000,
        MODEL,
        NeuronGroupOptions {
            threshold: Some("v > V_threshold".into()),
            reset: Some("v = V_reset".into()),
            refractory: Refractory::Duration(5e-3),
            method: Some("exact".into()),
            namespace: ns.clone(),
            ..Default::default()
        },
    )?;
    population.set_expr("v", "V_reset + rand()*(V_threshold - V_reset)")?;
    let connect_cpu = std::cell::Cell::new(0.0);
    let synapses = |code: &str, condition: &str| -> Result<Synapses, RuntimeError> {
        let s = Synapses::new(
            &population,
            &population,
            "",
            SynapsesOptions {
                on_pre: code.into(),
                namespace: ns.clone(),
                ..Default::default()
            },
        )?;
        let (result, seconds) = cpu_time::timed(|| {
            s.connect(Connect {
                p: NumberOrExpr::Number(0.02),
                ..Connect::condition(condition)
            })
        });
        result?;
        connect_cpu.set(connect_cpu.get() + seconds);
        Ok(s)
    };
    let t_connect = Instant::now();
    let exc = synapses("ge += w_exc", "i < n_exc")?;
    let inh = synapses("gi += w_inh", "i >= n_exc")?;
    let connect_s = t_connect.elapsed().as_secs_f64();
    let spikes = SpikeMonitor::spikes(&population, Default::default())?;
    let build_s = start.elapsed().as_secs_f64();
    net.set_profiling(true);
    let t_run = Instant::now();
    net.run(1.0)?;
    let run_s = t_run.elapsed().as_secs_f64();
    let counts = spikes.count();
    let rate = |r: std::ops::Range<usize>| {
        let n = r.len() as f64;
        counts[r].iter().sum::<u64>() as f64 / n
    };
    println!("seed {seed}");
    let profile: Vec<String> = net
        .profiling_info()
        .into_iter()
        .take(4)
        .map(|(name, d)| format!("{name} {:.3} s", d.as_secs_f64()))
        .collect();
    println!("slowest objects: {}", profile.join(", "));
    println!(
        "synapses: excitatory {} inhibitory {}",
        exc.len(),
        inh.len()
    );
    println!(
        "rates: excitatory {:.3} Hz, inhibitory {:.3} Hz, all {:.3} Hz",
        rate(0..3200),
        rate(3200..4000),
        rate(0..4000)
    );
    println!(
        "time: connect {connect_s:.3} s ({:.1} ms CPU), build {build_s:.3} s, run {run_s:.3} s ({} backend)",
        connect_cpu.get() * 1e3,
        net.backend_name()
    );
    println!("Brian2 2.9 (acceptance reference, seed 20070): excitatory 5.357 Hz, inhibitory 5.519 Hz, 256112 + 64406 synapses");
    Ok(())
}
