//! Synfire chain (Diesmann, Gewaltig & Aertsen 1999), as in Brian2's
//! `examples/frompapers/Diesmann_et_al_1999.py`: 10 groups of 100 noisy integrate-and-fire
//! neurons, each group projecting all-to-all onto the next, driven by a volley of 85 spikes
//! from a `SpikeGeneratorGroup` at 50 ms + N(0, 1 ms). The volley travels down the chain;
//! the example prints, per group, the number of spikes in the volley and its mean time, and
//! compares them with Brian2 2.9 runs of the same model (statistics over seeds).
//!
//!     cargo run --release -p rheobase --example synfire [-- --seeds 5]
//!
//! Reference: `reference/synfire.py` (Brian2 script) and `reference/synfire.json`.

use std::process::ExitCode;
use std::time::Instant;

use rheobase::prelude::*;

const N_GROUPS: usize = 10;
const GROUP_SIZE: usize = 100;
const MS: f64 = 1e-3;
const EQS: &str = "dV/dt = (-(V-Vr)+x)*(1./taum) : volt
dx/dt = (-x+y)*(1./taupsp) : volt
dy/dt = -y*(1./taupsp)+25.27*mV/ms+(39.24*mV/ms**0.5)*xi : volt";
const PARAMETERS: &[(&str, &str)] = &[
    ("Vr", "-70*mV"),
    ("Vt", "-55*mV"),
    ("taum", "10*ms"),
    ("taupsp", "0.325*ms"),
    ("weight", "4.86*mV"),
    ("group_size", "100"),
];

/// Brian2 2.9, means over seeds 2-9 (`reference/synfire.json`, numpy target), per group: the median time in
/// ms of the spikes after 45 ms (the volley; robust to the ~3 Hz background), the number of
/// spikes within 3 ms of it, and their standard deviation in ms.
const BRIAN2_MEDIAN_T_MS: [f64; N_GROUPS] = [
    50.775, 51.381, 51.925, 52.431, 52.950, 53.481, 54.006, 54.538, 55.050, 55.588,
];
const BRIAN2_VOLLEY_COUNT: [f64; N_GROUPS] = [
    93.750, 99.000, 101.375, 101.125, 102.750, 102.875, 103.000, 102.625, 102.500, 102.250,
];
const BRIAN2_VOLLEY_STD_MS: [f64; N_GROUPS] = [
    0.750, 0.535, 0.467, 0.393, 0.378, 0.410, 0.382, 0.353, 0.366, 0.366,
];

/// A small deterministic generator for the input volley's times (Brian2 uses numpy's).
struct SplitMix(u64);

impl SplitMix {
    fn next_f64(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Standard normal (Box-Muller).
    fn normal(&mut self) -> f64 {
        let u = 1.0 - self.next_f64();
        let v = self.next_f64();
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}

#[derive(Default)]
struct Volley {
    median_t_ms: [f64; N_GROUPS],
    count: [f64; N_GROUPS],
    std_ms: [f64; N_GROUPS],
}

/// The volley of one group from its spike times (ms) after 45 ms: median time, number of
/// spikes within 3 ms of it, and their standard deviation.
fn volley(mut times: Vec<f64>) -> (f64, f64, f64) {
    if times.is_empty() {
        return (f64::NAN, 0.0, f64::NAN);
    }
    times.sort_by(f64::total_cmp);
    let n = times.len();
    let median = if n % 2 == 1 {
        times[n / 2]
    } else {
        0.5 * (times[n / 2 - 1] + times[n / 2])
    };
    let near: Vec<f64> = times
        .into_iter()
        .filter(|t| (t - median).abs() <= 3.0)
        .collect();
    let mean = near.iter().sum::<f64>() / near.len() as f64;
    let var = near.iter().map(|t| (t - mean).powi(2)).sum::<f64>() / near.len() as f64;
    (median, near.len() as f64, var.sqrt())
}

fn run_once(seed: u64) -> Result<Volley> {
    let net = Network::new();
    net.seed(seed);
    let ns = namespace(PARAMETERS).map_err(|e| RuntimeError::invalid("synfire", e.to_string()))?;
    let p = NeuronGroup::new(
        &net,
        N_GROUPS * GROUP_SIZE,
        EQS,
        NeuronGroupOptions {
            threshold: Some("V>Vt".into()),
            reset: Some("V=Vr".into()),
            refractory: Refractory::Duration(1.0 * MS),
            method: Some("euler".into()),
            namespace: ns.clone(),
            ..Default::default()
        },
    )?;
    let mut rng = SplitMix(seed);
    let times: Vec<f64> = (0..85).map(|_| rng.normal() * MS + 50.0 * MS).collect();
    let indices: Vec<i64> = (0..85).collect();
    let input = SpikeGeneratorGroup::new(&net, 85, &indices, &times, Default::default())?;
    let on_pre = |ns: &std::collections::HashMap<String, Quantity>| SynapsesOptions {
        on_pre: "y+=weight".into(),
        namespace: ns.clone(),
        ..Default::default()
    };
    let chain = Synapses::new(&p, &p, "", on_pre(&ns))?;
    chain.connect(Connect {
        namespace: ns.clone(),
        ..Connect::j(
            "k for k in range((int(i/group_size)+1)*group_size, (int(i/group_size)+2)*group_size) if i<N_pre-group_size",
        )
    })?;
    let drive = Synapses::new(&input, &p.subgroup(0..GROUP_SIZE)?, "", on_pre(&ns))?;
    drive.connect(Connect::default())?;
    let spikes = SpikeMonitor::spikes(&p, Default::default())?;
    p.set_expr("V", "Vr + rand() * (Vt - Vr)")?;
    net.run(100.0 * MS)?;
    let mut times = vec![Vec::new(); N_GROUPS];
    for (i, t) in spikes.i().into_iter().zip(spikes.t()) {
        if t > 45.0 * MS {
            times[i / GROUP_SIZE].push(t / MS);
        }
    }
    let mut out = Volley::default();
    for (k, t) in times.into_iter().enumerate() {
        (out.median_t_ms[k], out.count[k], out.std_ms[k]) = volley(t);
    }
    Ok(out)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let seeds: u64 = args
        .iter()
        .position(|a| a == "--seeds")
        .and_then(|k| args.get(k + 1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let start = Instant::now();
    let mut mean = Volley::default();
    for seed in 1..=seeds {
        let v = match run_once(seed) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        };
        for k in 0..N_GROUPS {
            mean.median_t_ms[k] += v.median_t_ms[k] / seeds as f64;
            mean.count[k] += v.count[k] / seeds as f64;
            mean.std_ms[k] += v.std_ms[k] / seeds as f64;
        }
    }
    println!(
        "synfire chain: {N_GROUPS} groups of {GROUP_SIZE}, {seeds} seeds, {:.2} s",
        start.elapsed().as_secs_f64()
    );
    println!("group  volley time ms (Brian2)  spikes (Brian2)  spread ms (Brian2)");
    let mut ok = true;
    for k in 0..N_GROUPS {
        println!(
            "{k:>5}  {:>6.2} ({:>6.2})        {:>5.1} ({:>5.1})     {:>4.2} ({:>4.2})",
            mean.median_t_ms[k],
            BRIAN2_MEDIAN_T_MS[k],
            mean.count[k],
            BRIAN2_VOLLEY_COUNT[k],
            mean.std_ms[k],
            BRIAN2_VOLLEY_STD_MS[k]
        );
        // The volley is carried down the chain in both: its time within 0.5 ms, its size
        // within 10 %, its spread within 0.3 ms (means over seeds).
        ok &= (mean.median_t_ms[k] - BRIAN2_MEDIAN_T_MS[k]).abs() < 0.5;
        ok &= (mean.count[k] / BRIAN2_VOLLEY_COUNT[k] - 1.0).abs() < 0.1;
        ok &= (mean.std_ms[k] - BRIAN2_VOLLEY_STD_MS[k]).abs() < 0.3;
    }
    println!(
        "{}",
        if ok {
            "agrees with Brian2 2.9"
        } else {
            "DIFFERS from Brian2 2.9"
        }
    );
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
