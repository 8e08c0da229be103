//! The HH parameter sweep of issue 5 under rheobase, for `bench/run.py` (not a test): Traub-Miles
//! Hodgkin-Huxley neurons with exponential Euler, `I` and `g_na` constants swept over a
//! side x side grid, threshold and refractoriness both `v > -20*mV`. The same model as
//! `bench/hh_sweep_brian2.py`. Prints one JSON line.
//!
//!     cargo run --release -p rheobase --example bench_hh_sweep -- --side 300 --duration 1
//!
//! `--show-ir` prints the state-update kernel's IR (before optimisation) to stderr.
//! `--native always|never|auto` picks the tier (default: `RHEOBASE_NATIVE`, else auto); with
//! `always` the kernels are compiled (or taken from the cache) before the timed loop, and
//! `compile_s` says how long that took.

use std::time::Instant;

use rheobase::prelude::*;

const MODEL: &str = "dv/dt = (gl*(El-v) - g_na*(m*m*m)*h*(v-ENa) - g_kd*(n*n*n*n)*(v-EK) + I)/Cm : volt
dm/dt = 0.32*(mV**-1)*4*mV/exprel((13.*mV-v+VT)/(4*mV))/ms*(1-m)-0.28*(mV**-1)*5*mV/exprel((v-VT-40.*mV)/(5*mV))/ms*m : 1
dn/dt = 0.032*(mV**-1)*5*mV/exprel((15.*mV-v+VT)/(5*mV))/ms*(1.-n)-.5*exp((10.*mV-v+VT)/(40.*mV))/ms*n : 1
dh/dt = 0.128*exp((17.*mV-v+VT)/(18.*mV))/ms*(1.-h)-4./(1+exp((40.*mV-v+VT)/(5.*mV)))/ms*h : 1
I : amp (constant)
g_na : siemens (constant)";
const PARAMETERS: &[(&str, &str)] = &[
    ("area", "20000*umetre**2"),
    ("Cm", "(1*ufarad*cm**-2) * area"),
    ("gl", "(5e-5*siemens*cm**-2) * area"),
    ("El", "-65*mV"),
    ("EK", "-90*mV"),
    ("ENa", "50*mV"),
    ("g_kd", "(30*msiemens*cm**-2) * area"),
    ("VT", "-63*mV"),
];
const CONDITION: &str = "v > -20*mV";
const DT_S: f64 = 1e-4;

struct Args {
    side: usize,
    duration: f64,
    show_ir: bool,
    native: NativeMode,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        side: 300,
        duration: 1.0,
        show_ir: false,
        native: NativeMode::from_env(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || it.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--side" => args.side = value()?.parse().map_err(|e| format!("--side: {e}"))?,
            "--duration" => {
                args.duration = value()?.parse().map_err(|e| format!("--duration: {e}"))?
            }
            "--show-ir" => args.show_ir = true,
            "--native" => {
                let mode = value()?;
                args.native = NativeMode::parse(&mode)
                    .ok_or(format!("--native: {mode} is not auto, always or never"))?
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(args)
}

/// CPU time of this process's threads in seconds (Linux `schedstat`; 0 elsewhere). On a
/// loaded shared machine wall time mostly measures waiting for a core.
fn process_cpu_s() -> f64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0.0;
    };
    let ns: f64 = tasks
        .flatten()
        .filter_map(|t| std::fs::read_to_string(t.path().join("schedstat")).ok())
        .filter_map(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .sum();
    ns * 1e-9
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let start = Instant::now();
    let args = parse_args()?;
    let n = args.side * args.side;
    let side = args.side.to_string();
    let mut entries = PARAMETERS.to_vec();
    entries.push(("side", &side));
    let ns = namespace(&entries)?;
    let net = Network::new();
    let g = NeuronGroup::new(
        &net,
        n,
        MODEL,
        NeuronGroupOptions {
            method: Some("exponential_euler".into()),
            threshold: Some(CONDITION.into()),
            refractory: Refractory::Expression(CONDITION.into()),
            namespace: ns,
            dt: Some(DT_S),
            ..Default::default()
        },
    )?;
    g.set_expr("v", "El")?;
    g.set_expr("I", "(i % side) * 2*nA / side")?;
    g.set_expr(
        "g_na",
        "(50 + 100*(i // side) / side) * msiemens*cm**-2 * area",
    )?;
    let spikes = SpikeMonitor::spikes(&g, Default::default())?;
    if args.show_ir {
        for (name, _, _) in net.scheduling_summary() {
            if let Some(ir) = net.kernel_ir(&name) {
                eprintln!("== {name}\n{ir}");
            }
        }
    }
    net.set_native(args.native);
    let t0 = Instant::now();
    // In `always` mode a run of no steps compiles every kernel before the timed loop.
    net.run(0.0)?;
    let compile_s = t0.elapsed().as_secs_f64();
    let setup_s = start.elapsed().as_secs_f64() - compile_s;
    let mode = match args.native {
        NativeMode::Never => "jit",
        NativeMode::Always => "native",
        NativeMode::Auto => "auto",
    };
    let t1 = Instant::now();
    let cpu1 = process_cpu_s();
    net.run(args.duration)?;
    let loop_s = t1.elapsed().as_secs_f64();
    let loop_cpu_s = process_cpu_s() - cpu1;
    let total_s = start.elapsed().as_secs_f64();
    let steps = (args.duration / DT_S).round();
    let n_spikes = spikes.num_events();
    println!(
        "{{\"simulator\": \"rheobase\", \"benchmark\": \"hh_sweep\", \"mode\": \"{mode}\", \
         \"threads\": 1, \"N\": {n}, \"duration_s\": {}, \"times\": {{\"import_s\": 0.0, \
         \"setup_s\": {setup_s}, \"compile_s\": {compile_s}, \"loop_s\": {loop_s}, \"loop_cpu_s\": {loop_cpu_s}, \
         \"total_s\": {total_s}}}, \"ns_per_neuron_step\": {}, \"cpu_ns_per_neuron_step\": {}, \"spikes\": {n_spikes}, \"rate_hz\": {}}}",
        args.duration,
        loop_s * 1e9 / (n as f64 * steps),
        loop_cpu_s * 1e9 / (n as f64 * steps),
        n_spikes as f64 / (n as f64 * args.duration),
    );
    Ok(())
}
