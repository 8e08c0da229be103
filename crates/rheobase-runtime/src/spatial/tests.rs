//! SpatialNeuron against analytic cable solutions and its errors.

use super::*;
use crate::monitor::{Record, StateMonitor, StateMonitorOptions};
use crate::testing::test_backend;
use rheobase_morphology::Extent;

const UM: f64 = 1e-6;

fn net() -> Network {
    Network::with_backend(test_backend())
}

const PASSIVE: &str = "Im = gL*(EL - v) : amp/meter**2\n\
                       I : amp (point current)\n\
                       gL : siemens/meter**2\n\
                       EL : volt";

fn passive(net: &Network, m: &Morphology, dt: f64, ri: f64) -> SpatialNeuron {
    let n = SpatialNeuron::new(
        net,
        m,
        PASSIVE,
        SpatialNeuronOptions {
            cm: 0.01,
            ri,
            dt: Some(dt),
            ..Default::default()
        },
    )
    .unwrap();
    n.set("gL", 1.0).unwrap(); // Rm = 1 ohm*m**2
    n.set("EL", -0.07).unwrap();
    n.set("v", -0.07).unwrap();
    n
}

/// Largest deviation from the sealed finite cable's steady state with current into x = 0:
/// `V(x) = EL + ra*lambda*I*cosh((L-x)/lambda)/sinh(L/lambda)`.
fn sealed_cable_error(n: usize) -> f64 {
    let (d, l, ri, i) = (1.0 * UM, 500.0 * UM, 1.0, 0.1e-9);
    let m = Morphology::cylinder(d, n, Extent::Length(vec![l])).unwrap();
    let net = net();
    // Backward Euler with dt >> tau (10 ms) lands on the steady state.
    let neuron = passive(&net, &m, 1.0, ri);
    neuron.set_at("I", 0, i).unwrap();
    net.run(10.0).unwrap();
    let v = neuron.get("v").unwrap();
    let lambda = (1.0 * d / (4.0 * ri)).sqrt();
    let ra = 4.0 * ri / (std::f64::consts::PI * d * d);
    let mut worst: f64 = 0.0;
    for (k, vk) in v.iter().enumerate() {
        let x = (k as f64 + 0.5) * l / n as f64;
        let exact = -0.07 + ra * lambda * i * ((l - x) / lambda).cosh() / (l / lambda).sinh();
        worst = worst.max((vk - exact).abs());
    }
    worst
}

#[test]
fn sealed_cable_steady_state_matches_the_analytic_solution() {
    let worst = sealed_cable_error(1000);
    assert!(worst < 1e-6, "max error {worst} V");
}

#[test]
fn error_shrinks_with_the_compartment_length_squared() {
    let (coarse, fine) = (sealed_cable_error(50), sealed_cable_error(100));
    let ratio = coarse / fine;
    assert!(
        (3.6..4.4).contains(&ratio),
        "errors {coarse} and {fine}: ratio {ratio}"
    );
}

/// A parent cable with two daughters obeying Rall's 3/2 rule (and the same electrotonic
/// length) is equivalent to one cylinder of the parent's diameter.
#[test]
fn three_halves_tree_reduces_to_an_equivalent_cylinder() {
    let (d0, ri, i) = (2.0 * UM, 1.0, 0.2e-9);
    let d1 = d0 / 2f64.powf(2.0 / 3.0);
    let lambda0 = (d0 / (4.0 * ri)).sqrt();
    let lambda1 = (d1 / (4.0 * ri)).sqrt();
    let (l0, x1) = (0.5 * lambda0, 0.5); // parent 0.5 lambda, daughters 0.5 lambda each
    let l1 = x1 * lambda1;
    let (n0, n1) = (400, 400);
    let mut m = Morphology::cylinder(d0, n0, Extent::Length(vec![l0])).unwrap();
    m.add_child(
        "L",
        Morphology::cylinder(d1, n1, Extent::Length(vec![l1])).unwrap(),
    )
    .unwrap();
    m.add_child(
        "R",
        Morphology::cylinder(d1, n1, Extent::Length(vec![l1])).unwrap(),
    )
    .unwrap();
    let net = net();
    let neuron = passive(&net, &m, 1.0, ri);
    neuron.set_at("I", 0, i).unwrap();
    net.run(10.0).unwrap();
    let v = neuron.get("v").unwrap();
    let total = 1.0; // electrotonic length of the equivalent cylinder (0.5 + 0.5)
    let ra = 4.0 * ri / (std::f64::consts::PI * d0 * d0);
    let exact = |xe: f64| -0.07 + ra * lambda0 * i * (total - xe).cosh() / total.sinh();
    let mut worst: f64 = 0.0;
    for (k, vk) in v.iter().take(n0).enumerate() {
        let xe = (k as f64 + 0.5) / n0 as f64 * 0.5;
        worst = worst.max((vk - exact(xe)).abs());
    }
    for k in 0..n1 {
        let xe = 0.5 + (k as f64 + 0.5) / n1 as f64 * 0.5;
        worst = worst.max((v[n0 + k] - exact(xe)).abs());
        // Both daughters carry the same voltage.
        assert!((v[n0 + k] - v[n0 + n1 + k]).abs() < 1e-12);
    }
    assert!(worst < 2e-6, "max error {worst} V");
}

#[test]
fn sections_subgroups_and_threshold() {
    let mut m = Morphology::soma(20.0 * UM).unwrap();
    m.add_child(
        "dend",
        Morphology::cylinder(1.0 * UM, 10, Extent::Length(vec![100.0 * UM])).unwrap(),
    )
    .unwrap();
    m.add_child(
        "axon",
        Morphology::cylinder(1.0 * UM, 5, Extent::Length(vec![50.0 * UM])).unwrap(),
    )
    .unwrap();
    let net = net();
    let neuron = SpatialNeuron::new(
        &net,
        &m,
        PASSIVE,
        SpatialNeuronOptions {
            threshold: Some("v > -50*mV".into()),
            threshold_location: Some(0),
            reset: Some("v = -70*mV".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(neuron.len(), 16);
    assert_eq!(neuron.main().unwrap().range(), 0..1);
    assert_eq!(neuron.section("dend").unwrap().range(), 1..11);
    assert_eq!(neuron.section("axon").unwrap().range(), 11..16);
    assert_eq!(
        neuron
            .section_between("dend", Some(10.0 * UM), Some(50.0 * UM))
            .unwrap()
            .range(),
        2..6
    );
    assert_eq!(neuron.compartment_at("axon", 25.0 * UM).unwrap(), 13);
    assert!(neuron.section("apical").is_err());
    let distance = neuron.get("distance").unwrap();
    assert!((distance[11] - 5.0 * UM).abs() < 1e-15);
    // Condition strings on geometry.
    neuron.set("gL", 1e-4 * 1e4 * 0.01).unwrap();
    neuron
        .set_expr_where("gL", "distance > 50*um", "0*siemens/meter**2")
        .unwrap();
    let gl = neuron.get("gL").unwrap();
    assert_eq!(gl[10], 0.0);
    assert!(gl[1] > 0.0);
    // A strong current at the soma makes v cross the threshold there; reset pulls it back.
    neuron.set("EL", -0.07).unwrap();
    neuron.set("v", -0.07).unwrap();
    neuron.set_at("I", 0, 1e-9).unwrap();
    net.run(0.005).unwrap();
    let v = neuron.get("v").unwrap();
    assert!(v.iter().all(|x| x.is_finite()));
    assert!(v[0] < 0.0, "reset keeps the soma below 0: {}", v[0]);
}

#[test]
fn monitors_and_capacitive_current() {
    let m = Morphology::cylinder(1.0 * UM, 20, Extent::Length(vec![200.0 * UM])).unwrap();
    let net = net();
    let neuron = passive(&net, &m, 1e-4, 1.0);
    neuron.set_at("I", 0, 0.05e-9).unwrap();
    let mon = StateMonitor::new(
        &neuron,
        &["v", "Ic"],
        Record::Indices(vec![0, 19]),
        StateMonitorOptions::default(),
    )
    .unwrap();
    net.run(0.002).unwrap();
    let v0 = mon.trace("v", 0).unwrap();
    let v19 = mon.trace("v", 1).unwrap();
    assert!(v0.last().unwrap() > v19.last().unwrap());
    let ic = mon.trace("Ic", 0).unwrap();
    assert!(ic[5] > 0.0, "the soma end is charging");
}

#[test]
fn bad_input_gives_errors() {
    let net = net();
    let m = Morphology::cylinder(1.0 * UM, 3, Extent::Length(vec![30.0 * UM])).unwrap();
    let err = |model: &str, options: SpatialNeuronOptions| {
        SpatialNeuron::new(&net, &m, model, options).unwrap_err()
    };
    let e = err("I : amp", Default::default());
    assert_eq!(e.code(), "model::missing_membrane_current");
    let e = err(
        "Im = gL*(EL - v) : amp\ngL : siemens\nEL : volt",
        Default::default(),
    );
    assert_eq!(e.code(), "units::dimension_mismatch");
    let e = err(
        PASSIVE,
        SpatialNeuronOptions {
            threshold_location: Some(3),
            ..Default::default()
        },
    );
    assert!(e.to_string().contains("threshold_location"), "{e}");
    // Im with the wrong dimension inside the expression is caught by the checker.
    let e = err(
        "Im = gL*EL : amp/meter**2\ngL : siemens\nEL : volt",
        Default::default(),
    );
    assert_eq!(e.code(), "units::equation_dimension");
    // A zero-length SWC segment cannot be simulated.
    let swc = Morphology::from_swc_str("1 1 0 0 0 5 -1\n2 3 0 0 0 1 1\n3 3 10 0 0 1 2\n").unwrap();
    let e = SpatialNeuron::new(&net, &swc, PASSIVE, Default::default()).unwrap_err();
    assert!(e.to_string().contains("compartment 1"), "{e}");
}

/// Largest deviation from the infinite cable's Green's function at `t`: a charge put into the
/// middle compartment of a long cable at t = 0 spreads as
/// `V - EL = V0 dx / sqrt(4 pi D t) exp(-x^2/(4 D t)) exp(-t/tau)`, `D = lambda^2/tau`.
/// Returns the error and the peak of the analytic solution.
fn greens_function_error(dt: f64) -> (f64, f64) {
    let (d, ri, n, dx) = (1.0 * UM, 1.0, 501, 10.0 * UM);
    let m = Morphology::cylinder(d, n, Extent::Length(vec![n as f64 * dx])).unwrap();
    let net = net();
    let neuron = passive(&net, &m, dt, ri);
    let v0 = 0.1;
    let middle = n / 2;
    neuron.set_at("v", middle, -0.07 + v0).unwrap();
    let t = 1e-3;
    net.run(t).unwrap();
    let (tau, lambda) = (0.01, (d / (4.0 * ri)).sqrt()); // Cm*Rm; Rm = 1 ohm*m**2
    let diffusion = lambda * lambda / tau;
    let spread = (4.0 * std::f64::consts::PI * diffusion * t).sqrt();
    let v = neuron.get("v").unwrap();
    let mut worst: f64 = 0.0;
    let mut peak: f64 = 0.0;
    for (k, vk) in v.iter().enumerate() {
        let x = (k as f64 - middle as f64) * dx;
        let exact = v0 * dx / spread * (-x * x / (4.0 * diffusion * t)).exp() * (-t / tau).exp();
        peak = peak.max(exact);
        worst = worst.max((vk + 0.07 - exact).abs());
    }
    (worst, peak)
}

#[test]
fn infinite_cable_greens_function() {
    let (worst, peak) = greens_function_error(2.5e-6);
    assert!(peak > 1e-3, "a visible signal: peak {peak} V");
    println!("Green's function: max error {worst} V, peak {peak} V");
    assert!(worst < 10e-6, "max error {worst} V (peak {peak} V)");
}

#[test]
fn error_shrinks_with_the_time_step() {
    // Backward Euler is first order: halving dt halves the error.
    let (coarse, _) = greens_function_error(20e-6);
    let (fine, _) = greens_function_error(10e-6);
    let ratio = coarse / fine;
    assert!(
        (1.7..2.3).contains(&ratio),
        "errors {coarse} and {fine}: ratio {ratio}"
    );
}

#[test]
fn a_current_in_amp_needs_the_point_current_flag() {
    let net = net();
    let m = Morphology::cylinder(1.0 * UM, 3, Extent::Length(vec![30.0 * UM])).unwrap();
    let e = SpatialNeuron::new(
        &net,
        &m,
        "Im = gL*(-70*mV - v) + I : amp/meter**2\nI : amp\ngL : siemens/meter**2",
        Default::default(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("I"), "{e}");
    let e = SpatialNeuron::new(
        &net,
        &Morphology::soma(10.0 * UM).unwrap(),
        PASSIVE,
        SpatialNeuronOptions {
            cm: 0.0,
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(e.to_string().contains("Cm"), "{e}");
}

/// Synapses onto single compartments: an input spike opens a conductance on one dendritic
/// compartment (`on_pre` writes the compartment's variable), a second pathway sums synaptic
/// currents into the compartments it targets (`(summed)`), and the soma's spikes drive
/// another group (a SpatialNeuron as a source).
#[test]
fn synapses_onto_compartments() {
    use crate::inputs::SpikeGeneratorGroup;
    use crate::synapses::{Connect, ConnectIndices, Synapses, SynapsesOptions};
    let mut m = Morphology::soma(20.0 * UM).unwrap();
    m.add_child(
        "dend",
        Morphology::cylinder(1.0 * UM, 20, Extent::Length(vec![400.0 * UM])).unwrap(),
    )
    .unwrap();
    let net = net();
    let model = "Im = gL*(EL - v) : amp/meter**2\n\
                 Is = gs*(0*mV - v) + I_summed : amp (point current)\n\
                 dgs/dt = -gs/(2*ms) : siemens\n\
                 I_summed : amp\n\
                 gL : siemens/meter**2\n\
                 EL : volt";
    let neuron = SpatialNeuron::new(
        &net,
        &m,
        model,
        SpatialNeuronOptions {
            cm: 0.01,
            ri: 1.0,
            dt: Some(25e-6),
            threshold: Some("v > -69.9*mV".into()),
            threshold_location: Some(0),
            refractory: Refractory::Duration(1.0),
            ..Default::default()
        },
    )
    .unwrap();
    neuron.set("gL", 1.0).unwrap();
    neuron.set("EL", -0.07).unwrap();
    neuron.set("v", -0.07).unwrap();
    let input = SpikeGeneratorGroup::new(&net, 1, &[0], &[1e-3], Default::default()).unwrap();
    let dend = neuron.section("dend").unwrap();
    let on_pre = Synapses::new(
        &input,
        &dend,
        "",
        SynapsesOptions {
            on_pre: "gs += 5*nS".into(),
            ..Default::default()
        },
    )
    .unwrap();
    on_pre
        .connect(Connect {
            i: Some(ConnectIndices::Array(vec![0])),
            j: Some(ConnectIndices::Array(vec![14])), // compartment 15 of the neuron
            ..Default::default()
        })
        .unwrap();
    let summed = Synapses::new(
        &input,
        &neuron,
        "dI_syn/dt = -I_syn/(5*ms) : amp (clock-driven)\nI_summed_post = I_syn : amp (summed)",
        SynapsesOptions {
            on_pre: "I_syn += 10*pA".into(),
            ..Default::default()
        },
    )
    .unwrap();
    summed
        .connect(Connect {
            i: Some(ConnectIndices::Array(vec![0, 0, 0])),
            j: Some(ConnectIndices::Array(vec![5, 5, 8])),
            ..Default::default()
        })
        .unwrap();
    let follower =
        crate::neurongroup::NeuronGroup::new(&net, 1, "x : 1", Default::default()).unwrap();
    let from_soma = Synapses::new(
        &neuron,
        &follower,
        "",
        SynapsesOptions {
            on_pre: "x += 1".into(),
            ..Default::default()
        },
    )
    .unwrap();
    from_soma.connect(Connect::default()).unwrap();

    net.run(1e-3).unwrap();
    assert!(neuron.get("gs").unwrap().iter().all(|&g| g == 0.0));
    assert_eq!(
        follower.get("x").unwrap()[0],
        0.0,
        "no input, no somatic spike"
    );
    net.run(0.5e-3).unwrap();
    let gs = neuron.get("gs").unwrap();
    for (k, g) in gs.iter().enumerate() {
        assert_eq!(*g > 0.0, k == 15, "compartment {k}: gs = {g}");
    }
    let i_summed = neuron.get("I_summed").unwrap();
    assert!(i_summed[5] > 0.0 && i_summed[8] > 0.0);
    assert!(
        (i_summed[5] - 2.0 * i_summed[8]).abs() < 1e-18,
        "two synapses on 5, one on 8: {} {}",
        i_summed[5],
        i_summed[8]
    );
    let v = neuron.get("v").unwrap();
    assert!(
        v[15] > v[0] && v[15] > v[20],
        "depolarised at the synapse: {v:?}"
    );
    net.run(5e-3).unwrap();
    // The soma crossed its threshold once (refractory afterwards) and the follower heard it.
    assert_eq!(follower.get("x").unwrap()[0], 1.0);
}
