//! The rheobase side of the benchmark suite (`bench/suite.py`; issue 5): CUBA, COBA, COBAHH,
//! COBAHH with 1000 synapses per neuron, the HH parameter sweep, Song-Abbott STDP, Brunel
//! with delays, and the scaling network (N neurons, 100 synapses each). The same models as
//! `bench/suite_brian2.py`. Prints one JSON line per run. Not a test.
//!
//!     cargo run --release -p rheobase --example bench_suite -- --bench cuba [--n 4000]
//!         [--duration 1] [--threads 1] [--seed 1] [--split-work ns]

use rheobase::prelude::*;
use std::time::Instant;

type Namespace = std::collections::HashMap<String, Quantity>;

/// CPU time of all this process's threads in seconds (Linux `schedstat`; 0 elsewhere): on a
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

struct Args {
    bench: String,
    n: Option<usize>,
    duration: f64,
    threads: usize,
    seed: u64,
    split_work: Option<usize>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        bench: String::new(),
        n: None,
        duration: 1.0,
        threads: 1,
        seed: 1,
        split_work: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let value = it.next().ok_or(format!("{a} needs a value"))?;
        let bad = |e: &dyn std::fmt::Display| format!("{a}: {e}");
        match a.as_str() {
            "--bench" => args.bench = value,
            "--n" => args.n = Some(value.parse().map_err(|e| bad(&e))?),
            "--duration" => args.duration = value.parse().map_err(|e| bad(&e))?,
            "--threads" => args.threads = value.parse().map_err(|e| bad(&e))?,
            "--seed" => args.seed = value.parse().map_err(|e| bad(&e))?,
            "--split-work" => args.split_work = Some(value.parse().map_err(|e| bad(&e))?),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(args)
}

/// What a benchmark built: the monitor counting the spikes that define its rate, how many
/// neurons that rate is over, and the number of synapses.
struct Built {
    spikes: SpikeMonitor,
    rate_over: usize,
    synapses: usize,
}

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn no_record() -> EventMonitorOptions {
    EventMonitorOptions {
        record: false,
        ..Default::default()
    }
}

/// Excitatory and inhibitory pathways from the first 80 % and the last 20 % of `cells` onto
/// all of them, each with connection probability `p`.
fn exc_inh(
    cells: &NeuronGroup,
    n: usize,
    p: f64,
    exc: &str,
    inh: &str,
    ns: &Namespace,
) -> Res<usize> {
    let n_exc = n * 4 / 5;
    let mut total = 0;
    for (source, code) in [
        (cells.subgroup(0..n_exc)?, exc),
        (cells.subgroup(n_exc..n)?, inh),
    ] {
        let s = Synapses::new(
            &source,
            cells,
            "",
            SynapsesOptions {
                on_pre: code.into(),
                namespace: ns.clone(),
                ..Default::default()
            },
        )?;
        s.connect(Connect::p(p))?;
        total += s.len();
    }
    Ok(total)
}

const LIF_CUBA: &str = "dv/dt = (ge + gi - (v - E_rest))/tau_m : volt (unless refractory)
dge/dt = -ge/tau_exc : volt
dgi/dt = -gi/tau_inh : volt";

fn cuba(net: &Network, n: usize, p: f64) -> Res<Built> {
    let ns = namespace(&[
        ("tau_m", "20*ms"),
        ("tau_exc", "5*ms"),
        ("tau_inh", "10*ms"),
        ("V_threshold", "-50*mV"),
        ("V_reset", "-60*mV"),
        ("E_rest", "-49*mV"),
        ("w_exc", "(60*0.27/10)*mV"),
        ("w_inh", "(-20*4.5/10)*mV"),
    ])?;
    let cells = NeuronGroup::new(
        net,
        n,
        LIF_CUBA,
        NeuronGroupOptions {
            threshold: Some("v > V_threshold".into()),
            reset: Some("v = V_reset".into()),
            refractory: Refractory::Duration(5e-3),
            method: Some("exact".into()),
            namespace: ns.clone(),
            ..Default::default()
        },
    )?;
    cells.set_expr("v", "V_reset + rand()*(V_threshold - V_reset)")?;
    let synapses = exc_inh(&cells, n, p, "ge += w_exc", "gi += w_inh", &ns)?;
    Ok(Built {
        spikes: SpikeMonitor::spikes(&cells, Default::default())?,
        rate_over: n,
        synapses,
    })
}

fn coba(net: &Network, n: usize) -> Res<Built> {
    let ns = namespace(&[
        ("tau_m", "20*ms"),
        ("tau_exc", "5*ms"),
        ("tau_inh", "10*ms"),
        ("V_threshold", "-50*mV"),
        ("V_reset", "-60*mV"),
        ("E_rest", "-60*mV"),
        ("E_exc", "0*mV"),
        ("E_inh", "-80*mV"),
        ("w_exc", "6*nS/(10*nS)"),
        ("w_inh", "67*nS/(10*nS)"),
    ])?;
    let cells = NeuronGroup::new(
        net,
        n,
        "dv/dt = (ge*(E_exc - v) + gi*(E_inh - v) - (v - E_rest))/tau_m : volt (unless refractory)
dge/dt = -ge/tau_exc : 1
dgi/dt = -gi/tau_inh : 1",
        NeuronGroupOptions {
            threshold: Some("v > V_threshold".into()),
            reset: Some("v = V_reset".into()),
            refractory: Refractory::Duration(5e-3),
            method: Some("euler".into()),
            namespace: ns.clone(),
            ..Default::default()
        },
    )?;
    cells.set_expr("v", "V_reset + rand()*(V_threshold - V_reset)")?;
    cells.set_expr("ge", "(randn()*1.5 + 4)/10")?;
    cells.set_expr("gi", "(randn()*12 + 20)/10")?;
    let synapses = exc_inh(&cells, n, 0.02, "ge += w_exc", "gi += w_inh", &ns)?;
    Ok(Built {
        spikes: SpikeMonitor::spikes(&cells, Default::default())?,
        rate_over: n,
        synapses,
    })
}

const COBAHH: &str = "dv/dt = (g_leak*(E_leak - v) + ge*(E_e - v) + gi*(E_i - v) - g_Na*m**3*h*(v - E_Na) - g_K*n**4*(v - E_K))/Cm : volt
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

/// COBAHH; `per_neuron` synapses per neuron on average (80 in the classic network), with
/// weights scaled so the total input stays that of the classic network.
fn cobahh(net: &Network, n: usize, per_neuron: f64) -> Res<Built> {
    let scale = 80.0 / per_neuron;
    let w_e = format!("{}*nS", 6.0 * scale);
    let w_i = format!("{}*nS", 67.0 * scale);
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
        ("w_e", &w_e),
        ("w_i", &w_i),
    ])?;
    let cells = NeuronGroup::new(
        net,
        n,
        COBAHH,
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
    let p = (per_neuron / n as f64).min(1.0);
    let synapses = exc_inh(&cells, n, p, "ge += w_e", "gi += w_i", &ns)?;
    Ok(Built {
        spikes: SpikeMonitor::spikes(&cells, Default::default())?,
        rate_over: n,
        synapses,
    })
}

const HH_SWEEP: &str = "dv/dt = (gl*(El-v) - g_na*(m*m*m)*h*(v-ENa) - g_kd*(n*n*n*n)*(v-EK) + I)/Cm : volt
dm/dt = 0.32*(mV**-1)*4*mV/exprel((13.*mV-v+VT)/(4*mV))/ms*(1-m)-0.28*(mV**-1)*5*mV/exprel((v-VT-40.*mV)/(5*mV))/ms*m : 1
dn/dt = 0.032*(mV**-1)*5*mV/exprel((15.*mV-v+VT)/(5*mV))/ms*(1.-n)-.5*exp((10.*mV-v+VT)/(40.*mV))/ms*n : 1
dh/dt = 0.128*exp((17.*mV-v+VT)/(18.*mV))/ms*(1.-h)-4./(1+exp((40.*mV-v+VT)/(5.*mV)))/ms*h : 1
I : amp (constant)
g_na : siemens (constant)";

fn hh_sweep(net: &Network, n: usize) -> Res<Built> {
    let side = ((n as f64).sqrt().round() as usize).max(1);
    let side_text = side.to_string();
    let ns = namespace(&[
        ("area", "20000*umetre**2"),
        ("Cm", "(1*ufarad*cm**-2) * area"),
        ("gl", "(5e-5*siemens*cm**-2) * area"),
        ("El", "-65*mV"),
        ("EK", "-90*mV"),
        ("ENa", "50*mV"),
        ("g_kd", "(30*msiemens*cm**-2) * area"),
        ("VT", "-63*mV"),
        ("side", &side_text),
    ])?;
    let cells = NeuronGroup::new(
        net,
        side * side,
        HH_SWEEP,
        NeuronGroupOptions {
            method: Some("exponential_euler".into()),
            threshold: Some("v > -20*mV".into()),
            refractory: Refractory::Expression("v > -20*mV".into()),
            namespace: ns,
            ..Default::default()
        },
    )?;
    cells.set_expr("v", "El")?;
    cells.set_expr("I", "(i % side) * 2*nA / side")?;
    cells.set_expr(
        "g_na",
        "(50 + 100*(i // side) / side) * msiemens*cm**-2 * area",
    )?;
    Ok(Built {
        spikes: SpikeMonitor::spikes(&cells, Default::default())?,
        rate_over: side * side,
        synapses: 0,
    })
}

/// Song, Miller & Abbott (2000) as in Brian2's example: `n` Poisson inputs at 15 Hz onto
/// one neuron through STDP synapses.
fn stdp(net: &Network, n: usize) -> Res<Built> {
    let ns = namespace(&[
        ("taum", "10*ms"),
        ("taupre", "20*ms"),
        ("taupost", "taupre"),
        ("Ee", "0*mV"),
        ("vt", "-54*mV"),
        ("vr", "-60*mV"),
        ("El", "-74*mV"),
        ("taue", "5*ms"),
        ("gmax", "0.01"),
        ("dApre", "0.01*gmax"),
        ("dApost", "-0.01*taupre/taupost*1.05*gmax"),
    ])?;
    let inputs = PoissonGroup::new(net, n, 15.0, Default::default())?;
    let neuron = NeuronGroup::new(
        net,
        1,
        "dv/dt = (ge * (Ee-v) + El - v) / taum : volt
         dge/dt = -ge / taue : 1",
        NeuronGroupOptions {
            threshold: Some("v>vt".into()),
            reset: Some("v = vr".into()),
            method: Some("euler".into()),
            namespace: ns.clone(),
            ..Default::default()
        },
    )?;
    let synapses = Synapses::new(
        &inputs,
        &neuron,
        "w : 1
         dApre/dt = -Apre / taupre : 1 (event-driven)
         dApost/dt = -Apost / taupost : 1 (event-driven)",
        SynapsesOptions {
            on_pre: "ge += w
                     Apre += dApre
                     w = clip(w + Apost, 0, gmax)"
                .into(),
            on_post: "Apost += dApost
                      w = clip(w + Apre, 0, gmax)"
                .into(),
            namespace: ns,
            ..Default::default()
        },
    )?;
    synapses.connect(Connect::default())?;
    synapses.set_expr("w", "rand() * gmax")?;
    Ok(Built {
        spikes: SpikeMonitor::spikes(&inputs, no_record())?,
        rate_over: n,
        synapses: synapses.len(),
    })
}

/// Brunel (2000), network A-like (g = 5, nu_ext = 2 nu_thr), N = 0.8 N_E + 0.2 N_I, with
/// connection probability 0.1, a 1.5 ms delay and Poisson external input.
fn brunel(net: &Network, n: usize) -> Res<Built> {
    let ns = namespace(&[
        ("tau", "20*ms"),
        ("theta", "20*mV"),
        ("V_r", "10*mV"),
        ("J", "0.1*mV"),
        ("g", "5"),
    ])?;
    let n_e = n * 4 / 5;
    let cells = NeuronGroup::new(
        net,
        n,
        "dv/dt = -v/tau : volt (unless refractory)",
        NeuronGroupOptions {
            threshold: Some("v > theta".into()),
            reset: Some("v = V_r".into()),
            refractory: Refractory::Duration(2e-3),
            method: Some("exact".into()),
            namespace: ns.clone(),
            ..Default::default()
        },
    )?;
    let mut synapses = 0;
    for (source, code) in [
        (cells.subgroup(0..n_e)?, "v += J"),
        (cells.subgroup(n_e..n)?, "v += -g*J"),
    ] {
        let s = Synapses::new(
            &source,
            &cells,
            "",
            SynapsesOptions {
                on_pre: code.into(),
                delay: Delay::Scalar(1.5e-3),
                namespace: ns.clone(),
                ..Default::default()
            },
        )?;
        s.connect(Connect::p(0.1))?;
        synapses += s.len();
    }
    let c_ext = (0.1 * n_e as f64) as u64;
    let nu_thr = 20e-3 / (0.1e-3 * c_ext as f64 * 20e-3);
    PoissonInput::new(
        &cells,
        "v",
        c_ext,
        2.0 * nu_thr,
        q("0.1*mV")?,
        Default::default(),
    )?;
    Ok(Built {
        spikes: SpikeMonitor::spikes(&cells, no_record())?,
        rate_over: n,
        synapses,
    })
}

fn main() -> Res<()> {
    let start = Instant::now();
    let args = parse_args()?;
    let net = Network::new();
    net.seed(args.seed);
    net.set_threads(args.threads)?;
    if let Some(work) = args.split_work {
        net.set_split_work(work);
    }
    let default_n = match args.bench.as_str() {
        "hh_sweep" => 90_000,
        "stdp" => 1000,
        "brunel" => 12_500,
        "scaling" => 100_000,
        _ => 4000,
    };
    let n = args.n.unwrap_or(default_n);
    let built = match args.bench.as_str() {
        "cuba" => cuba(&net, n, 0.02)?,
        "coba" => coba(&net, n)?,
        "cobahh" => cobahh(&net, n, 80.0)?,
        "cobahh1000" => cobahh(&net, n, 1000.0)?,
        "hh_sweep" => hh_sweep(&net, n)?,
        "stdp" => stdp(&net, n)?,
        "brunel" => brunel(&net, n)?,
        "scaling" => cuba(&net, n, (100.0 / n as f64).min(1.0))?,
        other => return Err(format!("unknown benchmark '{other}'").into()),
    };
    let setup_s = start.elapsed().as_secs_f64();
    // RHEOBASE_BENCH_PROFILE=1: time per object on stderr (the JSON line is unchanged).
    let profile = std::env::var_os("RHEOBASE_BENCH_PROFILE").is_some();
    net.set_profiling(profile);
    let t_loop = Instant::now();
    let cpu = process_cpu_s();
    net.run(args.duration)?;
    for (name, time) in net.profiling_info().iter().filter(|e| !e.1.is_zero()) {
        eprintln!("{:>10.4} s  {name}", time.as_secs_f64());
    }
    let loop_cpu_s = process_cpu_s() - cpu;
    let loop_s = t_loop.elapsed().as_secs_f64();
    let total_s = start.elapsed().as_secs_f64();
    let spikes = built.spikes.num_events();
    let steps = (args.duration / net.default_dt()).round();
    println!(
        "{{\"simulator\": \"rheobase\", \"benchmark\": \"{}\", \"mode\": \"jit+native-{}\", \"threads\": {}, \
         \"N\": {}, \"duration_s\": {}, \"synapses\": {}, \"times\": {{\"import_s\": 0.0, \
         \"setup_s\": {setup_s:.6}, \"compile_s\": 0.0, \"loop_s\": {loop_s:.6}, \
         \"loop_cpu_s\": {loop_cpu_s:.6}, \"total_s\": {total_s:.6}}}, \"spikes\": {spikes}, \
         \"rate_hz\": {:.4}, \"ns_per_neuron_step\": {:.3}}}",
        args.bench,
        net.native_mode().name(),
        net.threads(),
        built.rate_over,
        args.duration,
        built.synapses,
        spikes as f64 / (built.rate_over as f64 * args.duration),
        loop_s * 1e9 / (built.rate_over as f64 * steps),
    );
    Ok(())
}
