//! The JIT and the interpreter give identical spikes and states on the same models.

use crate::{interpreted, jitted, options, DT};
use rheobase_runtime::{
    Network, NeuronGroup, NeuronGroupOptions, Record, Refractory, SpikeMonitor, StateMonitor,
};

pub fn lif(net: &Network) -> (NeuronGroup, SpikeMonitor, StateMonitor) {
    let g = NeuronGroup::new(
        net,
        50,
        "dv/dt = (ge + gi - (v + 49*mV))/(20*ms) : volt (unless refractory)\n\
         dge/dt = -ge/(5*ms) : volt\n\
         dgi/dt = -gi/(10*ms) : volt",
        NeuronGroupOptions {
            refractory: Refractory::Duration(5e-3),
            ..options("v > -50*mV", "v = -60*mV")
        },
    )
    .unwrap();
    g.set_expr("v", "-60*mV + rand()*10*mV").unwrap();
    g.set_expr("ge", "rand()*5*mV").unwrap();
    let s = SpikeMonitor::spikes(&g, Default::default()).unwrap();
    let m = StateMonitor::new(
        &g,
        &["v", "ge"],
        Record::Indices(vec![0, 7, 49]),
        Default::default(),
    )
    .unwrap();
    (g, s, m)
}

pub fn hh(net: &Network) -> (NeuronGroup, SpikeMonitor, StateMonitor) {
    let model = "
        dv/dt = (gl*(El-v) - g_na*(m*m*m)*h*(v-ENa) - g_kd*(n*n*n*n)*(v-EK) + I)/Cm : volt
        dm/dt = 0.32*(mV**-1)*4*mV/exprel((13.*mV-v+VT)/(4*mV))/ms*(1-m)-0.28*(mV**-1)*5*mV/exprel((v-VT-40.*mV)/(5*mV))/ms*m : 1
        dn/dt = 0.032*(mV**-1)*5*mV/exprel((15.*mV-v+VT)/(5*mV))/ms*(1.-n)-.5*exp((10.*mV-v+VT)/(40.*mV))/ms*n : 1
        dh/dt = 0.128*exp((17.*mV-v+VT)/(18.*mV))/ms*(1.-h)-4./(1+exp((40.*mV-v+VT)/(5.*mV)))/ms*h : 1
        I : amp
    ";
    let ns = |v: f64, d: [i32; 7]| {
        rheobase_units::Quantity::new(v, rheobase_units::Dimension::from_ints(d))
    };
    let siemens = [-2, -1, 3, 2, 0, 0, 0];
    let volt = [2, 1, -3, -1, 0, 0, 0];
    let farad = [-2, -1, 4, 2, 0, 0, 0];
    // COBAHH's constants for a 20000 um^2 membrane
    let namespace = crate::namespace(&[
        ("gl", ns(1e-8, siemens)),
        ("El", ns(-0.065, volt)),
        ("g_na", ns(2e-5, siemens)),
        ("g_kd", ns(6e-6, siemens)),
        ("ENa", ns(0.05, volt)),
        ("EK", ns(-0.09, volt)),
        ("VT", ns(-0.063, volt)),
        ("Cm", ns(2e-10, farad)),
    ]);
    let g = NeuronGroup::new(
        net,
        20,
        model,
        NeuronGroupOptions {
            method: Some("exponential_euler".into()),
            namespace,
            threshold: Some("v > -20*mV".into()),
            refractory: Refractory::Expression("v > -20*mV".into()),
            ..Default::default()
        },
    )
    .unwrap();
    g.set_expr("v", "El + (rand() - 0.5)*10*mV").unwrap();
    g.set_expr("I", "i*0.1*nA").unwrap();
    let s = SpikeMonitor::spikes(&g, Default::default()).unwrap();
    let m = StateMonitor::new(
        &g,
        &["v", "m"],
        Record::Indices(vec![3, 19]),
        Default::default(),
    )
    .unwrap();
    (g, s, m)
}

pub type Build = fn(&Network) -> (NeuronGroup, SpikeMonitor, StateMonitor);

fn same_on_both_backends(build: Build, steps: f64, expect_spikes: bool) {
    let (a, b) = (interpreted(), jitted());
    assert_ne!(a.backend_name(), b.backend_name());
    let (ga, sa, ma) = build(&a);
    let (gb, sb, mb) = build(&b);
    a.run(steps * DT).unwrap();
    b.run(steps * DT).unwrap();
    assert_eq!(sa.i(), sb.i());
    assert_eq!(sa.t(), sb.t());
    assert_eq!(ma.values("v"), mb.values("v"));
    assert_eq!(ga.get("v").unwrap(), gb.get("v").unwrap());
    if expect_spikes {
        assert!(sa.num_events() > 0, "the model should spike");
    }
}

#[test]
fn lif_is_identical_on_interpreter_and_jit() {
    same_on_both_backends(lif, 500.0, true);
}

#[test]
fn hh_is_identical_on_interpreter_and_jit() {
    same_on_both_backends(hh, 500.0, true);
}

pub fn noisy_lif(net: &Network) -> (NeuronGroup, SpikeMonitor, StateMonitor) {
    let g = NeuronGroup::new(
        net,
        30,
        "dv/dt = (1.1 - v)/(10*ms) + 0.2*xi/sqrt(ms) : 1\nI = 2*v : 1",
        options("v > 1", "v = rand()*0.1"),
    )
    .unwrap();
    g.set_expr("v", "rand()").unwrap();
    let s = SpikeMonitor::spikes(&g, Default::default()).unwrap();
    let m = StateMonitor::new(&g, &["v", "I"], Record::All, Default::default()).unwrap();
    (g, s, m)
}

#[test]
fn noisy_lif_is_identical_on_interpreter_and_jit() {
    same_on_both_backends(noisy_lif, 300.0, true);
}

/// Shared, integer and boolean variables, a constant-over-dt random subexpression, a custom
/// event with an action, `run_regularly` on a subgroup and a refractory condition.
pub fn kitchen_sink(net: &Network) -> (NeuronGroup, SpikeMonitor, StateMonitor) {
    let g = NeuronGroup::new(
        net,
        25,
        "dv/dt = (drive - v)/(8*ms) + 0.1*xi_a/sqrt(ms) : 1 (unless refractory)
         drive = 1.2 + 0.3*kick + 0.05*jitter : 1
         jitter = randn() : 1 (constant over dt)
         kick : 1
         count : integer
         gain : 1 (shared)
         flag : boolean",
        NeuronGroupOptions {
            refractory: Refractory::Expression("v > 0.2 and flag".into()),
            events: vec![rheobase_runtime::EventDefinition {
                name: "low".into(),
                condition: "v < 0.1".into(),
                action: Some("count += 1".into()),
            }],
            ..options("v > 1", "v = 0\nflag = rand() < 0.5")
        },
    )
    .unwrap();
    g.set("gain", 0.5).unwrap();
    g.set_expr("v", "rand()").unwrap();
    g.subgroup(5..15)
        .unwrap()
        .run_regularly(
            "kick = gain*(i % 3)",
            rheobase_runtime::RunRegularlyOptions {
                dt: Some(1e-3),
                ..Default::default()
            },
        )
        .unwrap();
    let s = SpikeMonitor::spikes(&g, Default::default()).unwrap();
    let m = StateMonitor::new(
        &g,
        &["v", "drive"],
        Record::Indices(vec![0, 6, 24]),
        Default::default(),
    )
    .unwrap();
    (g, s, m)
}

#[test]
fn kitchen_sink_is_identical_on_interpreter_and_jit() {
    same_on_both_backends(kitchen_sink, 300.0, true);
}

/// Every integration method's statements lower and run the same on both backends.
#[test]
fn every_method_runs_identically_on_both_backends() {
    let cases = [
        ("euler", "dv/dt = (1.5 - v)/(10*ms) + 0.2*xi/sqrt(ms) : 1"),
        (
            "milstein",
            "dv/dt = (1.5 - v)/(10*ms) + 0.2*v*xi/sqrt(ms) : 1",
        ),
        ("heun", "dv/dt = (1.5 - v)/(10*ms) + 0.2*v*xi/sqrt(ms) : 1"),
        ("rk2", "dv/dt = (1.5 - v**2)/(10*ms) : 1"),
        ("rk4", "dv/dt = (1.5 - v**2)/(10*ms) : 1"),
        (
            "exponential_euler",
            "dv/dt = (1.5 - v)/tau_v : 1\ntau_v = 10*ms*(1 + 0.5*sin(w)**2) : second\ndw/dt = 100*Hz : 1",
        ),
        (
            "exact",
            "dv/dt = (1.5 - v + w)/(10*ms) : 1\ndw/dt = -w/(20*ms) : 1",
        ),
    ];
    for (method, model) in cases {
        let run = |net: Network| {
            let g = NeuronGroup::new(
                &net,
                8,
                model,
                NeuronGroupOptions {
                    method: Some(method.into()),
                    ..options("v > 1", "v = 0")
                },
            )
            .unwrap_or_else(|e| panic!("{method}: {e}"));
            g.set_expr("v", "rand()").unwrap();
            let s = SpikeMonitor::spikes(&g, Default::default()).unwrap();
            net.run(100.0 * DT).unwrap();
            (g.get("v").unwrap(), s.i(), s.t())
        };
        let (a, b) = (run(interpreted()), run(jitted()));
        assert_eq!(a, b, "{method}");
        assert!(!a.1.is_empty(), "{method}: no spikes");
    }
}
