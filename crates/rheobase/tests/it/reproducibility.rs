//! Reproducibility (issue 9): with the same seed, a network gives bit-identical spikes and
//! states on the interpreter and on the JIT, for one run and for the same duration split into
//! several runs, and after its state went through a file and back. The network has noise
//! (`xi`), random initial values and weights, random connectivity, synaptic delays and
//! Poisson input, so that every source of random numbers and every queue takes part.

use rheobase::prelude::*;
use rheobase::runtime::Connect;
use std::sync::Arc;

const MS: f64 = 1e-3;

/// What a run leaves: spike indices and times, the final `v` and `w`, all as bits.
#[derive(Debug, PartialEq)]
struct Outcome {
    spike_i: Vec<usize>,
    spike_t: Vec<u64>,
    v: Vec<u64>,
    w: Vec<u64>,
}

struct Model {
    net: Network,
    g: NeuronGroup,
    s: Synapses,
    spikes: SpikeMonitor,
}

fn bits(values: Vec<f64>) -> Vec<u64> {
    values.into_iter().map(f64::to_bits).collect()
}

fn build(backend: Arc<dyn Backend>) -> Model {
    let net = Network::with_backend(backend);
    net.seed(2024);
    let options = NeuronGroupOptions {
        method: Some("euler".into()),
        threshold: Some("v > 1".into()),
        reset: Some("v = 0".into()),
        refractory: Refractory::Duration(2.0 * MS),
        namespace: namespace(&[("tau", "10*ms")]).unwrap(),
        ..Default::default()
    };
    let g = NeuronGroup::new(
        &net,
        60,
        "dv/dt = (1.05 - v)/tau + 0.2*xi/sqrt(tau) : 1 (unless refractory)",
        options,
    )
    .unwrap();
    g.set_expr("v", "rand()").unwrap();
    let s = Synapses::new(
        &g,
        &g,
        "w : 1",
        SynapsesOptions {
            on_pre: "v_post += w".into(),
            ..Default::default()
        },
    )
    .unwrap();
    s.connect(Connect {
        p: NumberOrExpr::Number(0.15),
        ..Default::default()
    })
    .unwrap();
    s.set_expr("w", "0.1*rand() - 0.03").unwrap();
    s.set_expr("delay", "(1 + 2*rand())*ms").unwrap();
    PoissonInput::new(&g, "v", 20, 50.0, "0.02", Default::default()).unwrap();
    let spikes = SpikeMonitor::spikes(&g, Default::default()).unwrap();
    Model { net, g, s, spikes }
}

impl Model {
    fn outcome(&self) -> Outcome {
        Outcome {
            spike_i: self.spikes.i(),
            spike_t: bits(self.spikes.t()),
            v: bits(self.g.get("v").unwrap()),
            w: bits(self.s.get("w").unwrap()),
        }
    }
}

fn run_in_pieces(backend: Arc<dyn Backend>, pieces: &[f64]) -> Outcome {
    let m = build(backend);
    for &d in pieces {
        m.net.run(d).unwrap();
    }
    m.outcome()
}

#[test]
fn interpreter_and_jit_give_the_same_bits() {
    let jit = run_in_pieces(default_backend(), &[30.0 * MS]);
    assert!(jit.spike_i.len() > 30, "too few spikes to compare: {jit:?}");
    assert_eq!(run_in_pieces(interpreter(), &[30.0 * MS]), jit);
}

#[test]
fn one_run_and_split_runs_give_the_same_bits() {
    let whole = run_in_pieces(default_backend(), &[30.0 * MS]);
    assert_eq!(
        run_in_pieces(default_backend(), &[10.0 * MS, 20.0 * MS]),
        whole
    );
    assert_eq!(
        run_in_pieces(default_backend(), &[0.1 * MS, 7.3 * MS, 22.6 * MS]),
        whole
    );
}

#[test]
fn a_state_stored_to_a_file_continues_with_the_same_bits() {
    let dir = std::env::temp_dir().join(format!("rheobase-repro-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("state.bin");

    let whole = build(default_backend());
    whole.net.run(10.0 * MS).unwrap();
    whole.net.store_to_file("mid", &path).unwrap();
    let spikes_before = whole.spikes.i().len();
    whole.net.run(20.0 * MS).unwrap();
    let expected = whole.outcome();

    // A fresh process would build the same network, then restore the file's state.
    let other = build(default_backend());
    other.net.restore_from_file("mid", &path).unwrap();
    other.net.run(20.0 * MS).unwrap();
    let got = other.outcome();
    assert_eq!(got.v, expected.v);
    assert_eq!(got.w, expected.w);
    // Monitors are not part of the file: the restored network recorded the second part only.
    assert_eq!(got.spike_i, expected.spike_i[spikes_before..]);
    assert_eq!(got.spike_t, expected.spike_t[spikes_before..]);
    std::fs::remove_dir_all(&dir).ok();
}
