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

/// Brian2 2.9, mean over seeds 1-5 (`reference/synfire.json`): spikes in the volley of each
/// group (after 45 ms) and the volley's mean time in ms.
const BRIAN2_COUNT: [f64; N_GROUPS] = [f64::NAN; N_GROUPS];
const BRIAN2_MEAN_T_MS: [f64; N_GROUPS] = [f64::NAN; N_GROUPS];

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

struct Volley {
    count: [f64; N_GROUPS],
    mean_t_ms: [f64; N_GROUPS],
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
    let mut count = [0.0; N_GROUPS];
    let mut sum_t = [0.0; N_GROUPS];
    for (i, t) in spikes.i().into_iter().zip(spikes.t()) {
        if t > 45.0 * MS {
            count[i / GROUP_SIZE] += 1.0;
            sum_t[i / GROUP_SIZE] += t / MS;
        }
    }
    let mut mean_t_ms = [f64::NAN; N_GROUPS];
    for k in 0..N_GROUPS {
        if count[k] > 0.0 {
            mean_t_ms[k] = sum_t[k] / count[k];
        }
    }
    Ok(Volley { count, mean_t_ms })
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
    let mut count = [0.0; N_GROUPS];
    let mut mean_t = [0.0; N_GROUPS];
    let mut arrived = [0.0; N_GROUPS];
    for seed in 1..=seeds {
        let volley = match run_once(seed) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        };
        for k in 0..N_GROUPS {
            count[k] += volley.count[k] / seeds as f64;
            if volley.mean_t_ms[k].is_finite() {
                mean_t[k] += volley.mean_t_ms[k];
                arrived[k] += 1.0;
            }
        }
    }
    println!(
        "synfire chain: {N_GROUPS} groups of {GROUP_SIZE}, {seeds} seeds, {:.2} s",
        start.elapsed().as_secs_f64()
    );
    println!("group  spikes (Brian2)   mean time ms (Brian2)");
    let mut ok = true;
    for k in 0..N_GROUPS {
        let t = if arrived[k] > 0.0 {
            mean_t[k] / arrived[k]
        } else {
            f64::NAN
        };
        println!(
            "{k:>5}  {:>6.1} ({:>6.1})   {:>6.2} ({:>6.2})",
            count[k], BRIAN2_COUNT[k], t, BRIAN2_MEAN_T_MS[k]
        );
        // The volley is either carried (about 100 spikes per group) or lost; Brian2 carries
        // it down the whole chain. Counts within 15 %, arrival within 1 ms.
        ok &= (count[k] / BRIAN2_COUNT[k] - 1.0).abs() < 0.15;
        ok &= (t - BRIAN2_MEAN_T_MS[k]).abs() < 1.0;
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
