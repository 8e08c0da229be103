//! Engine benchmarks for issue 2 (not a test):
//!
//! (a) the time to turn a COBAHH-sized Hodgkin-Huxley model (Traub-Miles kinetics with
//!     `exprel`, `ge`/`gi` conductances, exponential Euler, a threshold that is also the
//!     refractoriness condition; 4000 neurons) into a runnable group: parse, check, integrate,
//!     lower and JIT-compile every kernel. Min and median of 20 repetitions, split into
//!     parse, parse + check (the language crate alone, with the scope the runtime builds) and
//!     the whole `NeuronGroup::new`;
//! (b) nanoseconds per neuron-step for 100,000 LIF and 100,000 HH neurons on one thread
//!     (median of 5 runs of 100 ms at dt = 0.1 ms).
//!
//!     cargo run --release -p rheobase --example bench_engine

use std::time::{Duration, Instant};

use rheobase::lang::{check_equations, parse_equations, Scope, SourceMap};
use rheobase::prelude::*;

const HH_MODEL: &str =
    "dv/dt = (gl*(El-v) + ge*(Ee-v) + gi*(Ei-v) - g_na*(m*m*m)*h*(v-ENa) - g_kd*(n*n*n*n)*(v-EK))/Cm : volt
dm/dt = alpha_m*(1-m)-beta_m*m : 1
dn/dt = alpha_n*(1-n)-beta_n*n : 1
dh/dt = alpha_h*(1-h)-beta_h*h : 1
dge/dt = -ge*(1./taue) : siemens
dgi/dt = -gi*(1./taui) : siemens
alpha_m = 0.32*(mV**-1)*4*mV/exprel((13*mV-v+VT)/(4*mV))/ms : Hz
beta_m = 0.28*(mV**-1)*5*mV/exprel((v-VT-40*mV)/(5*mV))/ms : Hz
alpha_h = 0.128*exp((17*mV-v+VT)/(18*mV))/ms : Hz
beta_h = 4./(1+exp((40*mV-v+VT)/(5*mV)))/ms : Hz
alpha_n = 0.032*(mV**-1)*5*mV/exprel((15*mV-v+VT)/(5*mV))/ms : Hz
beta_n = .5*exp((10*mV-v+VT)/(40*mV))/ms : Hz";
const HH_PARAMETERS: &[(&str, &str)] = &[
    ("area", "20000*umetre**2"),
    ("Cm", "(1*ufarad*cm**-2) * area"),
    ("gl", "(5e-5*siemens*cm**-2) * area"),
    ("El", "-60*mV"),
    ("EK", "-90*mV"),
    ("ENa", "50*mV"),
    ("g_na", "(100*msiemens*cm**-2) * area"),
    ("g_kd", "(30*msiemens*cm**-2) * area"),
    ("VT", "-63*mV"),
    ("taue", "5*ms"),
    ("taui", "10*ms"),
    ("Ee", "0*mV"),
    ("Ei", "-80*mV"),
];
const HH_CONDITION: &str = "v > -20*mV";

const LIF_MODEL: &str = "dv/dt = (E_L - v)/tau_m + I/C_m : volt (unless refractory)
I : amp";
const LIF_PARAMETERS: &[(&str, &str)] = &[
    ("tau_m", "20*ms"),
    ("C_m", "200*pF"),
    ("E_L", "-70*mV"),
    ("v_th", "-50*mV"),
    ("v_reset", "-70*mV"),
];

const COMPILE_REPS: usize = 20;
const STEP_RUNS: usize = 5;
const STEP_NEURONS: usize = 100_000;
const STEP_DURATION_S: f64 = 0.1;
const DT_S: f64 = 1e-4;

type BoxResult<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn main() -> BoxResult<()> {
    let hh_ns = namespace(HH_PARAMETERS)?;
    println!("(a) COBAHH-sized HH model, 4000 neurons, {COMPILE_REPS} repetitions");
    let mut parse = Vec::new();
    let mut check = Vec::new();
    let mut build = Vec::new();
    for _ in 0..COMPILE_REPS {
        let start = Instant::now();
        let mut sources = SourceMap::new();
        let src = sources.add("model", HH_MODEL);
        let equations = parse_equations(HH_MODEL, src).map_err(|d| d.render(&sources))?;
        parse.push(start.elapsed());
        let mut scope = Scope::new();
        scope.add_neuron_group_builtins(true);
        for (name, value) in &hh_ns {
            scope.add_constant(name.clone(), *value);
        }
        check_equations(&equations, &scope).map_err(|d| d.render(&sources))?;
        check.push(start.elapsed());

        let net = Network::new();
        let start = Instant::now();
        hh_group(&net, 4000, &hh_ns)?;
        build.push(start.elapsed());
    }
    report("parse", &mut parse);
    report("parse + check", &mut check);
    report(
        "NeuronGroup::new (parse, check, integrate, lower, JIT all kernels)",
        &mut build,
    );

    println!(
        "(b) ns per neuron-step, {STEP_NEURONS} neurons, one thread, median of {STEP_RUNS} runs of \
         {} ms",
        STEP_DURATION_S * 1e3
    );
    let lif_ns = namespace(LIF_PARAMETERS)?;
    let lif = ns_per_neuron_step(|net| {
        let g = NeuronGroup::new(
            net,
            STEP_NEURONS,
            LIF_MODEL,
            NeuronGroupOptions {
                method: Some("exact".into()),
                threshold: Some("v > v_th".into()),
                reset: Some("v = v_reset".into()),
                refractory: Refractory::Expression("5*ms".into()),
                namespace: lif_ns.clone(),
                dt: Some(DT_S),
                ..Default::default()
            },
        )?;
        g.set_expr("I", "2*nA*i/(N-1)")?;
        g.set_expr("v", "v_reset + (v_th - v_reset)*i/N")?;
        Ok(g)
    })?;
    println!("  LIF (exact, threshold, reset, refractory): {lif:.2} ns");
    let hh = ns_per_neuron_step(|net| {
        let g = hh_group(net, STEP_NEURONS, &hh_ns)?;
        g.set_expr("v", "El + 10*mV*rand()")?;
        g.set_expr("ge", "10*nS*rand()")?;
        g.set_expr("gi", "50*nS*rand()")?;
        Ok(g)
    })?;
    println!("  HH (exponential_euler, threshold, refractory condition): {hh:.2} ns");
    Ok(())
}

fn hh_group(
    net: &Network,
    n: usize,
    ns: &std::collections::HashMap<String, Quantity>,
) -> Result<NeuronGroup> {
    NeuronGroup::new(
        net,
        n,
        HH_MODEL,
        NeuronGroupOptions {
            method: Some("exponential_euler".into()),
            threshold: Some(HH_CONDITION.into()),
            refractory: Refractory::Expression(HH_CONDITION.into()),
            namespace: ns.clone(),
            dt: Some(DT_S),
            ..Default::default()
        },
    )
}

/// Median over runs of the wall time of `net.run` per neuron and step (group built outside).
fn ns_per_neuron_step(make: impl Fn(&Network) -> Result<NeuronGroup>) -> BoxResult<f64> {
    let steps = (STEP_DURATION_S / DT_S).round();
    let mut per = Vec::new();
    for _ in 0..STEP_RUNS {
        let net = Network::new();
        let g = make(&net)?;
        let start = Instant::now();
        net.run(STEP_DURATION_S)?;
        let wall = start.elapsed().as_secs_f64();
        per.push(wall * 1e9 / (steps * g.len() as f64));
    }
    per.sort_by(f64::total_cmp);
    Ok(per[per.len() / 2])
}

fn report(what: &str, times: &mut [Duration]) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "  {what}: min {:.3} ms, median {:.3} ms",
        ms(times[0]),
        ms(times[times.len() / 2])
    );
}
