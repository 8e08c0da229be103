//! Runs, clocks, store/restore and the schedule with model strings.

use crate::{interpreted, DT};
use rheobase_runtime::{
    Clock, NeuronGroup, NeuronGroupOptions, Record, SpikeMonitor, StateMonitor, When,
};
use std::sync::{Arc, Mutex};

fn noisy_lif(net: &rheobase_runtime::Network) -> (NeuronGroup, SpikeMonitor, StateMonitor) {
    let g = NeuronGroup::new(
        net,
        20,
        "dv/dt = (1.2 - v)/(10*ms) + 0.3*xi/sqrt(ms) : 1",
        crate::options("v > 1", "v = rand()*0.2"),
    )
    .unwrap();
    g.set_expr("v", "rand()").unwrap();
    let s = SpikeMonitor::spikes(&g, Default::default()).unwrap();
    let m = StateMonitor::new(&g, &["v"], Record::Indices(vec![0, 5]), Default::default()).unwrap();
    (g, s, m)
}

#[test]
fn store_restore_replays_bit_for_bit() {
    let net = interpreted();
    let (g, s, m) = noisy_lif(&net);
    net.run(50.0 * DT).unwrap();
    net.store("a");
    net.run(100.0 * DT).unwrap();
    let (v, i, t, mv) = (g.get("v").unwrap(), s.i(), s.t(), m.values("v"));
    net.restore("a").unwrap();
    net.run(100.0 * DT).unwrap();
    assert_eq!(g.get("v").unwrap(), v);
    assert_eq!(s.i(), i);
    assert_eq!(s.t(), t);
    assert_eq!(m.values("v"), mv);
}

#[test]
fn two_runs_equal_one_run_of_the_total_duration() {
    let a = interpreted();
    let (ga, sa, ma) = noisy_lif(&a);
    a.run(30.0 * DT).unwrap();
    a.run(70.0 * DT).unwrap();
    let b = interpreted();
    let (gb, sb, mb) = noisy_lif(&b);
    b.run(100.0 * DT).unwrap();
    assert_eq!(ga.get("v").unwrap(), gb.get("v").unwrap());
    assert_eq!(sa.i(), sb.i());
    assert_eq!(ma.values("v"), mb.values("v"));
    assert!((a.t() - b.t()).abs() < 1e-15);
}

#[test]
fn groups_on_different_clocks_advance_in_lock_step() {
    let net = interpreted();
    let slow = Clock::new(4.0 * DT);
    let fast = NeuronGroup::new(&net, 1, "dv/dt = 1000*Hz : 1", Default::default()).unwrap();
    let coarse = NeuronGroup::new(
        &net,
        1,
        "dv/dt = 1000*Hz : 1",
        NeuronGroupOptions {
            clock: Some(slow),
            ..Default::default()
        },
    )
    .unwrap();
    net.run(10.0 * DT).unwrap();
    assert!((fast.get("v").unwrap()[0] - 1.0).abs() < 1e-12);
    // the slow clock ran at 0, 4 and 8 steps of the fast one: 3 steps of 4 dt
    assert!((coarse.get("v").unwrap()[0] - 1.2).abs() < 1e-12);
}

#[test]
fn progress_and_network_operations_and_stop() {
    let net = interpreted();
    let g = NeuronGroup::new(&net, 1, "dv/dt = 1000*Hz : 1", Default::default()).unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let seen2 = seen.clone();
    let g2 = g.clone();
    net.network_operation(
        When::new("end", 0),
        None,
        Box::new(move |net, t| {
            seen2.lock().unwrap().push(t);
            if g2.get("v")?[0] > 0.45 {
                net.stop();
            }
            Ok(())
        }),
    )
    .unwrap();
    let fractions = Arc::new(Mutex::new(Vec::new()));
    let f2 = fractions.clone();
    net.run_with_progress(
        20.0 * DT,
        Some(Box::new(move |f| f2.lock().unwrap().push(f))),
    )
    .unwrap();
    assert_eq!(seen.lock().unwrap().len(), 5);
    assert!((net.t() - 5.0 * DT).abs() < 1e-15);
    let f = fractions.lock().unwrap();
    assert_eq!(f.first(), Some(&0.0));
    assert_eq!(f.last(), Some(&1.0));
}

#[test]
fn network_operations_run_on_their_own_clock() {
    let net = interpreted();
    NeuronGroup::new(&net, 1, "v : 1", Default::default()).unwrap();
    let times = Arc::new(Mutex::new(Vec::new()));
    let t2 = times.clone();
    let slow = Clock::new(5.0 * DT);
    net.network_operation(
        When::new("start", 0),
        Some(&slow),
        Box::new(move |_, t| {
            t2.lock().unwrap().push((t / DT).round() as i64);
            Ok(())
        }),
    )
    .unwrap();
    net.run(12.0 * DT).unwrap();
    assert_eq!(*times.lock().unwrap(), vec![0, 5, 10]);
}
