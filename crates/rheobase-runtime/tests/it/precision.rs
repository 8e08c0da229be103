//! Single-precision state (`Network::set_float_type(FloatType::F32)`, Brian2's
//! `prefs.core.default_float_dtype = float32`): stored values are f32, arithmetic stays f64,
//! the JIT agrees with the interpreter bit for bit, and results stay close to double
//! precision.

use crate::{interpreted, jitted};
use rheobase_runtime::{
    Connect, FloatType, Network, NeuronGroup, NeuronGroupOptions, NumberOrExpr, PathwayCode,
    Refractory, SpikeMonitor, StateMonitor, Synapses, SynapsesOptions,
};

struct Outcome {
    spikes: Vec<(usize, f64)>,
    v: Vec<f64>,
    w: Vec<f64>,
    trace: Vec<f64>,
}

/// A noisy LIF population with STDP-like recurrent synapses (summed-free), recorded.
fn simulate(net: Network, float_type: FloatType) -> Outcome {
    net.set_float_type(float_type);
    let g = NeuronGroup::new(
        &net,
        300,
        "dv/dt = (1.2 - v + 0.3*xi*sqrt(10*ms))/(10*ms) : 1 (unless refractory)
         gain : 1",
        NeuronGroupOptions {
            threshold: Some("v > 1".into()),
            reset: Some("v = 0.1*gain".into()),
            refractory: Refractory::Duration(2e-3),
            method: Some("euler".into()),
            ..Default::default()
        },
    )
    .unwrap();
    g.set_expr("v", "rand()").unwrap();
    g.set_expr("gain", "1 + rand()").unwrap();
    let s = Synapses::new(
        &g,
        &g,
        "w : 1\ndapost/dt = -apost/(5*ms) : 1 (event-driven)",
        SynapsesOptions {
            on_pre: PathwayCode::from("v_post += w*0.1\nw = clip(w + apost, 0, 1)"),
            on_post: PathwayCode::from("apost += 0.01"),
            ..Default::default()
        },
    )
    .unwrap();
    s.connect(Connect {
        p: NumberOrExpr::Number(0.05),
        ..Connect::condition("i != j")
    })
    .unwrap();
    s.set_expr("w", "rand()*0.3").unwrap();
    let spikes = SpikeMonitor::spikes(&g, Default::default()).unwrap();
    let state = StateMonitor::new(
        &g,
        &["v"],
        rheobase_runtime::Record::Indices(vec![3]),
        Default::default(),
    )
    .unwrap();
    net.run(0.02).unwrap();
    Outcome {
        spikes: spikes.i().into_iter().zip(spikes.t()).collect(),
        v: g.get("v").unwrap(),
        w: s.get("w").unwrap(),
        trace: state.trace("v", 0).unwrap(),
    }
}

fn is_f32(x: f64) -> bool {
    f64::from(x as f32) == x
}

#[test]
fn single_precision_state_is_rounded_and_the_jit_matches_the_interpreter() {
    let jit = simulate(jitted(), FloatType::F32);
    let oracle = simulate(interpreted(), FloatType::F32);
    assert!(jit.spikes.len() > 50, "{}", jit.spikes.len());
    assert_eq!(jit.spikes, oracle.spikes);
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&jit.v), bits(&oracle.v));
    assert_eq!(bits(&jit.w), bits(&oracle.w));
    assert_eq!(bits(&jit.trace), bits(&oracle.trace));
    // Every stored value is an f32; the double-precision run has values that are not.
    assert!(jit
        .v
        .iter()
        .chain(&jit.w)
        .chain(&jit.trace)
        .all(|&x| is_f32(x)));
    let double = simulate(jitted(), FloatType::F64);
    assert!(!double.v.iter().all(|&x| is_f32(x)));
}

#[test]
fn single_precision_stays_close_to_double_precision() {
    // Without noise and threshold the trajectories stay within f32 rounding of each other.
    let run = |float_type| {
        let net = jitted();
        net.set_float_type(float_type);
        let g = NeuronGroup::new(
            &net,
            10,
            "dv/dt = (I - v)/tau : 1\nI : 1 (constant)\ntau : second (constant)",
            NeuronGroupOptions {
                method: Some("exact".into()),
                ..Default::default()
            },
        )
        .unwrap();
        g.set_expr("I", "0.5 + i*0.1").unwrap();
        g.set_expr("tau", "(5 + i)*ms").unwrap();
        net.run(0.05).unwrap();
        g.get("v").unwrap()
    };
    let single = run(FloatType::F32);
    let double = run(FloatType::F64);
    for (s, d) in single.iter().zip(&double) {
        assert!((s - d).abs() <= 1e-6 * d.abs(), "{s} vs {d}");
    }
    assert_ne!(single, double);
}

#[test]
fn the_setting_applies_to_groups_made_after_it_and_survives_store_and_restore() {
    let net = jitted();
    let model = "dv/dt = -v/(10*ms) : 1";
    let double = NeuronGroup::new(&net, 3, model, Default::default()).unwrap();
    net.set_float_type(FloatType::F32);
    assert_eq!(net.float_type(), FloatType::F32);
    let single = NeuronGroup::new(&net, 3, model, Default::default()).unwrap();
    double.set_values("v", &[0.1, 0.2, 0.3]).unwrap();
    single.set_values("v", &[0.1, 0.2, 0.3]).unwrap();
    assert_eq!(double.get("v").unwrap(), vec![0.1, 0.2, 0.3]);
    let rounded: Vec<f64> = [0.1f32, 0.2, 0.3].iter().map(|&x| f64::from(x)).collect();
    assert_eq!(single.get("v").unwrap(), rounded);
    net.store("start");
    net.run(0.001).unwrap();
    assert_ne!(single.get("v").unwrap(), rounded);
    net.restore("start").unwrap();
    assert_eq!(single.get("v").unwrap(), rounded);
}
