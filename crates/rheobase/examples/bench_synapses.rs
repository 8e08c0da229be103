//! Synapse benchmarks (not a timed test): the time to connect 4000 x 4000 neurons with
//! p = 0.02 through `Synapses::connect` (goal: under 10 ms), and ns per synaptic event of
//! CUBA-style propagation (`v_post += w` for every spike of 4000 regularly firing neurons).
//!
//!     cargo run --release -p rheobase --example bench_synapses
//!
//! With `--big` it builds 100,000 neurons with 10^8 synapses (p = 0.01) through
//! `Synapses::connect` (goal: under 20 s on one thread), sets `w = 'rand()'` (and the delay,
//! see `--delay=unset|uniform|scalar|heterogeneous|few`), then prepares the pathway for a run,
//! and prints the memory per synapse (resident set growth, so everything: the synapses'
//! arrays and the pathway's index). `--neurons=N` builds a smaller network (N^2/100 synapses);
//! `--float32` stores `w` (and the neurons' `v`) in single precision.
//!
//! `--propagation=N,T1,T2...` measures propagation alone over N neurons (about 80 synapses
//! each) on each thread count, then once more on one thread. `RHEOBASE_SPLIT_WORK=1` splits
//! the delivery across threads even though it is cheap (`Network::set_split_work`).

use rheobase::prelude::*;
#[path = "common/cpu_time.rs"]
mod cpu_time;
use cpu_time::timed;

/// One connect: (thread CPU seconds, wall seconds, synapses made).
fn connect_time() -> Result<(f64, f64, usize), RuntimeError> {
    let net = Network::new();
    net.seed(1);
    let g = NeuronGroup::new(&net, 4000, "v : 1", Default::default())?;
    let s = Synapses::new(&g, &g, "w : 1", Default::default())?;
    let wall = std::time::Instant::now();
    let (result, seconds) = timed(|| s.connect(Connect::p(0.02)));
    let wall = wall.elapsed().as_secs_f64();
    result?;
    Ok((seconds, wall, s.len()))
}

/// CUBA-style propagation over `n` neurons, each firing every 10 steps (phases spread) onto
/// about 80 targets, on `threads` threads: (ns per event, events, CPU seconds of the run).
/// With one thread the pathway's share of wall time is scaled to CPU time; with more, the
/// pathway's wall time is what counts.
fn propagation(n: usize, threads: usize) -> Result<(f64, u64, f64), RuntimeError> {
    let net = Network::new();
    net.seed(2);
    net.set_threads(threads)?;
    if let Some(work) = std::env::var("RHEOBASE_SPLIT_WORK")
        .ok()
        .and_then(|w| w.parse().ok())
    {
        net.set_split_work(work);
    }
    let g = NeuronGroup::new(
        &net,
        n,
        "dx/dt = 1/ms : 1\nv : 1",
        NeuronGroupOptions {
            threshold: Some("x >= 1".into()),
            reset: Some("x = 0".into()),
            method: Some("euler".into()),
            ..Default::default()
        },
    )?;
    g.set_expr("x", "(i % 10)/10.0")?;
    let s = Synapses::new(
        &g,
        &g,
        "w : 1",
        SynapsesOptions {
            on_pre: "v_post += w".into(),
            ..Default::default()
        },
    )?;
    s.connect(Connect::p(80.0 / n as f64))?;
    s.set("w", 0.001)?;
    let spikes = SpikeMonitor::spikes(&g, Default::default())?;
    net.run(0.01)?; // warm-up: compile, cut targets and fill caches
    let before = spikes.num_events();
    net.set_profiling(true);
    let duration = (0.1 * 4000.0 / n as f64).max(0.01);
    let (result, cpu) = timed(|| net.run(duration));
    result?;
    let info = net.profiling_info();
    let wall = |pred: &dyn Fn(&str) -> bool| -> f64 {
        info.iter()
            .filter(|(n, _)| pred(n))
            .map(|(_, d)| d.as_secs_f64())
            .sum()
    };
    let in_pathway = if threads == 1 {
        cpu * wall(&|n| n.ends_with("_pre")) / wall(&|_| true).max(1e-12)
    } else {
        wall(&|n| n.ends_with("_pre"))
    };
    let n_spikes = spikes.num_events() - before;
    let events = n_spikes as f64 * s.len() as f64 / n as f64;
    Ok((in_pathway * 1e9 / events, events as u64, cpu))
}

/// Resident set size in bytes (Linux; 0 elsewhere).
fn resident_bytes() -> f64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: f64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0.0);
    pages * 4096.0
}

/// Which delay the `--big` build gives the pathway (`--delay=...`).
#[derive(Clone, Copy, PartialEq)]
enum DelayKind {
    /// The per-synapse `delay` variable, never set (zero for all).
    Unset,
    /// `S.delay = 1.5*ms` for all synapses (a per-synapse variable set as a whole).
    Uniform,
    /// `Synapses(..., delay=1.5*ms)`: one delay for the pathway.
    Scalar,
    /// `S.delay = 'rand()*5*ms'`: a different delay per synapse.
    Heterogeneous,
    /// `S.delay = 'int(rand()*50)*0.1*ms'`: one of 50 delays per synapse.
    FewValues,
}

fn big_build(
    n_neurons: usize,
    delay: DelayKind,
    float_type: FloatType,
) -> Result<(), RuntimeError> {
    let net = Network::new();
    net.seed(3);
    net.set_float_type(float_type);
    let g = NeuronGroup::new(
        &net,
        n_neurons,
        "v : 1",
        NeuronGroupOptions {
            threshold: Some("v > 1".into()),
            ..Default::default()
        },
    )?;
    let s = Synapses::new(
        &g,
        &g,
        "w : 1",
        SynapsesOptions {
            on_pre: "v_post += w".into(),
            delay: if delay == DelayKind::Scalar {
                Delay::Scalar(1.5e-3)
            } else {
                Delay::PerSynapse
            },
            ..Default::default()
        },
    )?;
    let before = resident_bytes();
    let (result, connect_s) = timed(|| s.connect(Connect::p(0.01)));
    result?;
    let n = s.len() as f64;
    let after_connect = resident_bytes();
    let (result, set_s) = timed(|| {
        s.set_expr("w", "rand()")?;
        match delay {
            DelayKind::Uniform => s.set_expr("delay", "1.5*ms"),
            DelayKind::Heterogeneous => s.set_expr("delay", "rand()*5*ms"),
            DelayKind::FewValues => s.set_expr("delay", "int(rand()*50)*0.1*ms"),
            DelayKind::Unset | DelayKind::Scalar => Ok(()),
        }
    });
    result?;
    let after_set = resident_bytes();
    let (result, prepare_s) = timed(|| net.run(1e-4));
    result?;
    let after_run = resident_bytes();
    let kind = match delay {
        DelayKind::Unset => "delay never set",
        DelayKind::Uniform => "S.delay = '1.5*ms'",
        DelayKind::Scalar => "delay=1.5*ms for the pathway",
        DelayKind::Heterogeneous => "S.delay = 'rand()*5*ms'",
        DelayKind::FewValues => "S.delay = 'int(rand()*50)*0.1*ms'",
    };
    println!(
        "build {n_neurons} x {n_neurons}, p = 0.01, w = rand(), {kind}: {n} synapses connected \
         in {connect_s:.2} s, variables set in {set_s:.2} s, pathway prepared in {prepare_s:.2} s \
         (CPU time; total {:.2} s, goal < 20 s)",
        connect_s + set_s + prepare_s
    );
    println!(
        "memory: {:.1} bytes per synapse after connect, {:.1} after setting the variables, \
         {:.1} after the first run (resident set growth; goal < 16)",
        (after_connect - before) / n,
        (after_set - before) / n,
        (after_run - before) / n
    );
    Ok(())
}

fn main() -> Result<(), RuntimeError> {
    // `--connect-only=N`: N connects and nothing else (for `perf stat`, which counts CPU
    // time exactly); `--setup-only=N`: the same networks without the connect.
    for (flag, connect) in [("--connect-only=", true), ("--setup-only=", false)] {
        if let Some(n) = std::env::args().find_map(|a| a.strip_prefix(flag).map(String::from)) {
            for _ in 0..n.parse::<usize>().expect("a number") {
                let net = Network::new();
                net.seed(1);
                let g = NeuronGroup::new(&net, 4000, "v : 1", Default::default())?;
                let s = Synapses::new(&g, &g, "w : 1", Default::default())?;
                if connect {
                    s.connect(Connect::p(0.02))?;
                }
            }
            return Ok(());
        }
    }
    let args: Vec<String> = std::env::args().collect();
    if let Some(spec) = args.iter().find_map(|a| a.strip_prefix("--propagation=")) {
        return propagation_only(spec);
    }
    if args.iter().any(|a| a == "--big") {
        let neurons = args
            .iter()
            .find_map(|a| a.strip_prefix("--neurons="))
            .map_or(Ok(100_000), str::parse)
            .expect("--neurons=N");
        let delay = match args.iter().find_map(|a| a.strip_prefix("--delay=")) {
            None | Some("unset") => DelayKind::Unset,
            Some("uniform") => DelayKind::Uniform,
            Some("scalar") => DelayKind::Scalar,
            Some("heterogeneous") => DelayKind::Heterogeneous,
            Some("few") => DelayKind::FewValues,
            Some(other) => {
                panic!("--delay={other}: use unset, uniform, scalar, heterogeneous or few")
            }
        };
        let float_type = if args.iter().any(|a| a == "--float32") {
            FloatType::F32
        } else {
            FloatType::F64
        };
        return big_build(neurons, delay, float_type);
    }
    // Thread CPU time from /proc is updated at scheduler ticks (a few ms), so the best wall
    // time of many tries is printed too (an upper bound of the CPU time).
    let (mut best_cpu, mut best_wall) = (f64::INFINITY, f64::INFINITY);
    let mut n = 0;
    for _ in 0..20 {
        let (cpu, wall, len) = connect_time()?;
        best_cpu = best_cpu.min(cpu);
        best_wall = best_wall.min(wall);
        n = len;
    }
    println!(
        "connect 4000 x 4000, p = 0.02: {:.2} ms wall, {:.2} ms CPU for {n} synapses (best of 20; goal < 10 ms)",
        best_wall * 1e3,
        best_cpu * 1e3
    );
    let (ns, events, cpu) = propagation(4000, 1)?;
    println!("propagation: {ns:.2} ns per synaptic event ({events} events in 0.1 s simulated, run {cpu:.3} s CPU)");
    Ok(())
}

/// `--propagation=N[,T...]`: propagation alone over N neurons on each thread count T.
fn propagation_only(spec: &str) -> Result<(), RuntimeError> {
    let mut parts = spec
        .split(',')
        .map(|p| p.parse::<usize>().expect("numbers"));
    let n = parts.next().expect("--propagation=N[,T...]");
    for threads in parts.chain(std::iter::once(1)).take(8) {
        let (ns, events, cpu) = propagation(n, threads)?;
        println!("propagation, {n} neurons, {threads} threads: {ns:.2} ns per event wall ({events} events, run {cpu:.3} s CPU)");
    }
    Ok(())
}
