//! Threads change nothing but speed: the same network run on 1, 2 and 3 threads, with every
//! splittable kernel call split (`set_split_work(1)`), gives the same spikes in the same order
//! and the same states, bit for bit.

use rheobase_runtime::{
    AsGroup, Connect, Delay, Network, NeuronGroup, NeuronGroupOptions, NumberOrExpr, PathwayCode,
    PoissonInput, Refractory, SpikeMonitor, Synapses, SynapsesOptions,
};

/// Synapses `w : 1` from `source` to `target` that add `w` to the target's `v`.
fn adding_to_v(source: &impl AsGroup, target: &NeuronGroup) -> Synapses {
    let options = SynapsesOptions {
        on_pre: PathwayCode::from("v_post += w"),
        ..Default::default()
    };
    Synapses::new(source, target, "w : 1", options).unwrap()
}

struct Outcome {
    spikes: Vec<(usize, u64)>,
    v: Vec<u64>,
    w: Vec<u64>,
    apost: Vec<u64>,
    h_v: Vec<u64>,
}

/// A noisy LIF population (random input keyed by element index), recurrent synapses with
/// per-synapse delays and STDP-like updates on both pathways, and a second group receiving
/// whole spike lists from a subgroup, and Poisson input into that second group.
fn simulate(threads: usize) -> Outcome {
    let net = Network::new();
    net.seed(5);
    net.set_threads(threads).unwrap();
    net.set_split_work(1);
    assert_eq!(net.threads(), threads);
    let g = NeuronGroup::new(
        &net,
        700,
        "dv/dt = (1.2 - v + 0.5*xi*sqrt(10*ms))/(10*ms) : 1 (unless refractory)",
        NeuronGroupOptions {
            threshold: Some("v > 1".into()),
            reset: Some("v = rand()*0.2".into()),
            refractory: Refractory::Duration(2e-3),
            method: Some("euler".into()),
            ..Default::default()
        },
    )
    .unwrap();
    g.set_expr("v", "rand()").unwrap();
    let s = Synapses::new(
        &g,
        &g,
        "w : 1\ndapost/dt = -apost/(5*ms) : 1 (event-driven)",
        SynapsesOptions {
            on_pre: PathwayCode::from("v_post += w*0.1\nw = clip(w + apost, 0, 1)"),
            on_post: PathwayCode::from("apost += 0.01\nw = clip(w - 0.005, 0, 1)"),
            delay: Delay::PerSynapse,
            ..Default::default()
        },
    )
    .unwrap();
    s.connect(Connect {
        p: NumberOrExpr::Number(0.1),
        ..Connect::condition("i != j")
    })
    .unwrap();
    s.set_expr("w", "rand()*0.5").unwrap();
    s.set_expr("delay", "(1 + 3*rand())*ms").unwrap();
    // Whole spike lists (one shared delay) from a subgroup, onto a group that integrates them.
    let h = NeuronGroup::new(
        &net,
        300,
        "dv/dt = -v/(10*ms) : 1",
        NeuronGroupOptions::default(),
    )
    .unwrap();
    let to_h = adding_to_v(&g.subgroup(100..600).unwrap(), &h);
    to_h.connect(Connect::p(0.2)).unwrap();
    to_h.set_expr("w", "rand()*1e-3").unwrap();
    // Synapses made out of source order (two calls, the later sources first) and out of
    // target order within each source, so that each thread's window picks its events out of
    // every row.
    let scrambled = adding_to_v(&g, &h);
    for sources in [300..600i64, 0..300] {
        let (mut i, mut j) = (Vec::new(), Vec::new());
        for source in sources {
            for k in 0..12 {
                i.push(source);
                j.push((source * 7 + 299 - k * 23).rem_euclid(300));
            }
        }
        scrambled.connect(Connect::arrays(i, j)).unwrap();
    }
    scrambled.set_expr("w", "rand()*1e-4").unwrap();
    // In source order, but each row out of target order (with repeated targets): each
    // thread's window picks its events out of every row.
    let unsorted_rows = adding_to_v(&g, &h);
    let (mut i, mut j) = (Vec::new(), Vec::new());
    for source in 0..700i64 {
        for k in 0..9 {
            i.push(source);
            j.push((source * 13 + 290 - k * 37).rem_euclid(300));
        }
        i.push(source);
        j.push(source % 300);
    }
    unsorted_rows.connect(Connect::arrays(i, j)).unwrap();
    unsorted_rows.set_expr("w", "rand()*1e-4").unwrap();
    // A binomial draw per neuron and step (keyed by index).
    PoissonInput::new(&h, "v", 50, 200.0, "1e-3*(1 + i/300)", Default::default()).unwrap();
    let monitor = SpikeMonitor::spikes(&g, Default::default()).unwrap();
    // Two runs: the second reuses the pathways' target cuts.
    net.run(0.015).unwrap();
    net.run(0.015).unwrap();
    let bits = |v: Vec<f64>| v.into_iter().map(f64::to_bits).collect();
    Outcome {
        spikes: monitor
            .i()
            .into_iter()
            .zip(monitor.t().into_iter().map(f64::to_bits))
            .collect(),
        v: bits(g.get("v").unwrap()),
        w: bits(s.get("w").unwrap()),
        apost: bits(s.get("apost").unwrap()),
        h_v: bits(h.get("v").unwrap()),
    }
}

#[test]
fn one_two_and_three_threads_give_the_same_bits() {
    let reference = simulate(1);
    assert!(reference.spikes.len() > 100, "{}", reference.spikes.len());
    assert!(reference.h_v.iter().any(|&v| f64::from_bits(v) > 0.0));
    for threads in [2, 3] {
        let other = simulate(threads);
        assert_eq!(reference.spikes, other.spikes, "{threads} threads: spikes");
        assert!(reference.v == other.v, "{threads} threads: v differs");
        assert!(reference.w == other.w, "{threads} threads: w differs");
        assert!(
            reference.apost == other.apost,
            "{threads} threads: apost differs"
        );
        assert!(
            reference.h_v == other.h_v,
            "{threads} threads: h's v differs"
        );
    }
}

#[test]
fn thread_counts_are_checked() {
    let net = Network::new();
    assert_eq!(net.threads(), 1);
    assert!(net.set_threads(1_000_000).is_err());
    net.set_threads(0).unwrap();
    assert!(net.threads() >= 1);
}

/// A network large enough that every call with work to share is split (cheap deliveries
/// and PoissonInput included, `Threads::for_run`), without `set_split_work`: the same
/// spikes and states on one thread and on two.
#[test]
fn large_networks_split_by_default_and_give_the_same_bits() {
    let simulate = |threads: usize| {
        let net = Network::new();
        net.seed(9);
        net.set_threads(threads).unwrap();
        let g = NeuronGroup::new(
            &net,
            rheobase_runtime::threads::LARGE_NETWORK_ELEMENTS + 1000,
            "dv/dt = (1.1 - v)/(10*ms) : 1 (unless refractory)",
            NeuronGroupOptions {
                threshold: Some("v > 1".into()),
                reset: Some("v = 0".into()),
                refractory: Refractory::Duration(1e-3),
                ..Default::default()
            },
        )
        .unwrap();
        g.set_expr("v", "rand()").unwrap();
        let s = adding_to_v(&g, &g);
        s.connect(Connect::p(0.0001)).unwrap();
        s.set_expr("w", "0.05*rand()").unwrap();
        PoissonInput::new(&g, "v", 20, 100.0, "0.01", Default::default()).unwrap();
        let monitor = SpikeMonitor::spikes(&g, Default::default()).unwrap();
        net.run(0.005).unwrap();
        let v: Vec<u64> = g.get("v").unwrap().into_iter().map(f64::to_bits).collect();
        (monitor.i(), v)
    };
    let one = simulate(1);
    assert!(one.0.len() > 1000, "{}", one.0.len());
    let two = simulate(2);
    assert_eq!(one.0, two.0, "spikes");
    assert!(one.1 == two.1, "v differs");
}
