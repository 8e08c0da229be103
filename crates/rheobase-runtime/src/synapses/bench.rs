//! Timings, not tests: ignored, run by hand in release.
//!
//! ```text
//! cargo test --release -p rheobase-runtime synapses::bench -- --ignored --nocapture --test-threads 1
//! ```

use super::connect::{connect_probability, NewSynapses, SplitMix64, UniformSource};
use super::queue::{Delivery, PathwayDelays, SpikeQueue};
use super::store::{Column, SynapseStore};
use std::time::Instant;

fn connect_store(n: usize, p: f64, seed: u64) -> (SynapseStore, f64, f64) {
    let mut rng = SplitMix64::new(seed);
    let mut new = NewSynapses::default();
    let t0 = Instant::now();
    connect_probability(n, n, p, 1, &mut rng, &mut new, "p").unwrap();
    let connect_s = t0.elapsed().as_secs_f64();
    let mut store = SynapseStore::new(n, n);
    store.add_owned(new).unwrap();
    let total_s = t0.elapsed().as_secs_f64();
    (store, connect_s, total_s)
}

#[test]
#[ignore = "benchmark"]
fn bench_connect_4000_squared() {
    let mut best = (f64::INFINITY, f64::INFINITY);
    let mut count = 0;
    for seed in 0..10 {
        let (store, connect_s, total_s) = connect_store(4000, 0.02, seed);
        best = (best.0.min(connect_s), best.1.min(total_s));
        count = store.len();
    }
    println!(
        "connect 4000 x 4000, p = 0.02: {count} synapses, connect {:.2} ms, connect + CSR store {:.2} ms (best of 10; goal < 10 ms)",
        best.0 * 1e3,
        best.1 * 1e3
    );
}

#[test]
#[ignore = "benchmark, 1.5 GB of memory"]
fn bench_build_1e8_synapses() {
    let n = 100_000;
    let t0 = Instant::now();
    let (mut store, connect_s, _) = connect_store(n, 0.01, 1);
    store.add_column("w", Column::F64(Vec::new())).unwrap();
    let mut rng = SplitMix64::new(2);
    if let Some(Column::F64(w)) = store.column_mut("w") {
        w.iter_mut().for_each(|x| *x = rng.uniform());
    }
    let delays: Vec<u32> = (0..store.len()).map(|k| (k % 50) as u32).collect();
    let delays = PathwayDelays::from_steps(delays);
    let build_s = t0.elapsed().as_secs_f64();
    let delay_bytes = match &delays {
        PathwayDelays::PerSynapse {
            steps: super::queue::DelayColumn::U16(_),
            ..
        } => 2.0,
        PathwayDelays::PerSynapse { .. } => 4.0,
        PathwayDelays::Homogeneous(_) => 0.0,
    };
    println!(
        "build 100,000 x 100,000, p = 0.01: {} synapses, connect {:.2} s, with weights and u16 delays {:.2} s (goal < 20 s), {:.2} bytes per synapse (goal < 16)",
        store.len(),
        connect_s,
        build_s,
        store.bytes_per_synapse() + delay_bytes
    );
}

#[test]
#[ignore = "benchmark"]
fn bench_cuba_style_propagation() {
    let (n, steps) = (4000, 2000);
    let (store, _, _) = connect_store(n, 0.02, 3);
    let mut rng = SplitMix64::new(4);
    let weights: Vec<f64> = (0..store.len()).map(|_| rng.uniform()).collect();
    // About 20 Hz at dt = 0.1 ms: 0.2 % of the neurons spike per step.
    let spikes: Vec<Vec<i32>> = (0..steps)
        .map(|_| (0..n as i32).filter(|_| rng.uniform() < 0.002).collect())
        .collect();
    let events: usize = spikes
        .iter()
        .flatten()
        .map(|&s| store.slots_of(s as usize).len())
        .sum();
    let delays = PathwayDelays::Homogeneous(0);
    let mut queue = SpikeQueue::new();
    queue.prepare(&delays, &store);
    let mut v = vec![0.0; n];
    let t0 = Instant::now();
    for step in &spikes {
        queue.push(step, &store, &delays);
        propagate_add(&store, &queue.current(), &weights, &mut v);
        queue.advance();
    }
    let elapsed = t0.elapsed().as_secs_f64();
    println!(
        "CUBA-style propagation, {events} events: {:.2} ns per synaptic event",
        elapsed * 1e9 / events as f64
    );
    assert!(v.iter().sum::<f64>() > 0.0);
}

/// CUBA-style propagation: `target[j] += weight` for every delivered synapse, in delivery
/// order.
fn propagate_add(store: &SynapseStore, delivery: &Delivery, weights: &[f64], target: &mut [f64]) {
    let targets = store.targets();
    delivery.for_each_slot(store, |slot| {
        target[targets[slot] as usize] += weights[slot];
    });
}
