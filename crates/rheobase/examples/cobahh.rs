//! COBAHH: benchmark 3 of Brette et al. (2007). 4000 Hodgkin-Huxley neurons (Traub & Miles
//! kinetics, 3200 excitatory / 800 inhibitory, p = 2 %), exponentially decaying synaptic
//! conductances, exponential Euler; the script of `../shared/acceptance/scripts/cobahh.py`
//! (0.5 s). Prints the mean rate, synapse counts and timings; Brian2 2.9 gives 33.7 Hz for
//! seed 1995 (acceptance reference), other seeds in the synapses report.
//!
//! Measured on 2026-11-26 (mean rate over seeds 1, 2, 3, 1995): rheobase 33.80 Hz (29.90,
//! 33.11, 36.29, 35.90), Brian2 2.9 34.17 Hz (34.73, 35.30, 32.94, 33.72); -1.1 %.
//!
//!     cargo run --release -p rheobase --example cobahh [seed] [--watchdog]
//!
//! `--watchdog` turns the numerical watchdog on (its cost is in BENCHMARKS.md).

use rheobase::prelude::*;
use std::time::Instant;

#[path = "common/cpu_time.rs"]
mod cpu_time;

const MODEL: &str = "dv/dt = (g_leak*(E_leak - v) + ge*(E_e - v) + gi*(E_i - v) - g_Na*m**3*h*(v - E_Na) - g_K*n**4*(v - E_K))/Cm : volt
dm/dt = a_m*(1 - m) - b_m*m : 1
dh/dt = a_h*(1 - h) - b_h*h : 1
dn/dt = a_n*(1 - n) - b_n*n : 1
dge/dt = -ge/tau_e : siemens
dgi/dt = -gi/tau_i : siemens
u = v - V_T : volt
a_m = 1.28/exprel((13*mV - u)/(4*mV))/ms : Hz
b_m = 1.4/exprel((u - 40*mV)/(5*mV))/ms : Hz
a_h = 0.128*exp((17*mV - u)/(18*mV))/ms : Hz
b_h = 4/(1 + exp((40*mV - u)/(5*mV)))/ms : Hz
a_n = 0.16/exprel((15*mV - u)/(5*mV))/ms : Hz
b_n = 0.5*exp((10*mV - u)/(40*mV))/ms : Hz";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let watchdog = args.iter().any(|a| a == "--watchdog");
    // `--native=always|never|auto` (default: RHEOBASE_NATIVE, else auto).
    let native = match args.iter().find_map(|a| a.strip_prefix("--native=")) {
        Some(mode) => {
            NativeMode::parse(mode).ok_or(format!("--native={mode}: not auto, always or never"))?
        }
        None => NativeMode::from_env(),
    };
    let seed: u64 = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(1995);
    let start = Instant::now();
    let net = Network::new();
    net.seed(seed);
    let ns = namespace(&[
        ("area", "20000*umetre**2"),
        ("Cm", "1*ufarad*cm**-2 * area"),
        ("g_leak", "5e-5*siemens*cm**-2 * area"),
        ("E_leak", "-60*mV"),
        ("E_K", "-90*mV"),
        ("E_Na", "50*mV"),
        ("g_Na", "100*msiemens*cm**-2 * area"),
        ("g_K", "30*msiemens*cm**-2 * area"),
        ("V_T", "-63*mV"),
        ("tau_e", "5*ms"),
        ("tau_i", "10*ms"),
        ("E_e", "0*mV"),
        ("E_i", "-80*mV"),
        ("w_e", "6*nS"),
        ("w_i", "67*nS"),
    ])?;
    let cells = NeuronGroup::new(
        &net,
        4000,
        MODEL,
        NeuronGroupOptions {
            threshold: Some("v > -20*mV".into()),
            refractory: Refractory::Duration(3e-3),
            method: Some("exponential_euler".into()),
            namespace: ns.clone(),
            ..Default::default()
        },
    )?;
    cells.set_expr("v", "E_leak + (randn()*5 - 5)*mV")?;
    cells.set_expr("ge", "(randn()*1.5 + 4)*10*nS")?;
    cells.set_expr("gi", "(randn()*12 + 20)*10*nS")?;
    let t_connect = Instant::now();
    let mut counts = Vec::new();
    let mut connect_cpu = 0.0;
    for (source, code) in [
        (cells.subgroup(0..3200)?, "ge += w_e"),
        (cells.subgroup(3200..4000)?, "gi += w_i"),
    ] {
        let s = Synapses::new(
            &source,
            &cells,
            "",
            SynapsesOptions {
                on_pre: code.into(),
                namespace: ns.clone(),
                ..Default::default()
            },
        )?;
        let (result, seconds) = cpu_time::timed(|| s.connect(Connect::p(0.02)));
        result?;
        connect_cpu += seconds;
        counts.push(s.len());
    }
    let connect_s = t_connect.elapsed().as_secs_f64();
    let spikes = SpikeMonitor::spikes(&cells, Default::default())?;
    let build_s = start.elapsed().as_secs_f64();
    net.set_profiling(true);
    net.set_watchdog(watchdog);
    net.set_native(native);
    // In `always` mode a run of no steps compiles the kernels before the timed run.
    let (result, compile_s) = cpu_time::timed(|| net.run(0.0));
    result?;
    let t_run = Instant::now();
    let (result, run_cpu) = cpu_time::timed(|| net.run(0.5));
    result?;
    let run_s = t_run.elapsed().as_secs_f64();
    println!(
        "seed {seed}, watchdog {}",
        if watchdog { "on" } else { "off" }
    );
    let profile: Vec<String> = net
        .profiling_info()
        .into_iter()
        .take(4)
        .map(|(name, d)| format!("{name} {:.3} s", d.as_secs_f64()))
        .collect();
    println!("slowest objects: {}", profile.join(", "));
    println!(
        "synapses: excitatory {} inhibitory {}",
        counts[0], counts[1]
    );
    println!(
        "mean rate: {:.3} Hz",
        spikes.num_events() as f64 / (4000.0 * 0.5)
    );
    println!(
        "time: connect {connect_s:.3} s ({:.1} ms CPU), build {build_s:.3} s, run {run_s:.3} s ({run_cpu:.3} s CPU, {} backend, native {}: {} of {} kernels, compile wait {compile_s:.3} s)",
        connect_cpu * 1e3,
        net.backend_name(),
        native.name(),
        net.native_kernels().iter().filter(|k| k.2).count(),
        net.native_kernels().len(),
    );
    println!("Brian2 2.9 (acceptance reference, seed 1995): 33.715 Hz, 255330 + 64263 synapses");
    Ok(())
}
