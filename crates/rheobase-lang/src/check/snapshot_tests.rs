//! Snapshots of rendered checking diagnostics (`src/check/snapshots/`): a change in wording or
//! caret position shows up in review. Regenerate with `INSTA_UPDATE=always cargo test`, then
//! read every changed snapshot.

use super::{
    check_condition, check_equations, check_expression, check_statements_detailed, Scope,
    StatementOptions,
};
use crate::parser::{parse_equations, parse_expression, parse_statements};
use crate::span::SourceMap;
use rheobase_units::{lookup_unit, Quantity};

/// The scope a `NeuronGroup` with refractoriness sees, plus `tau_c = 5 ms` from the namespace.
fn base() -> Scope {
    let mut s = Scope::neuron_group(true);
    let ms = lookup_unit("ms").expect("ms");
    s.add_constant("tau_c", Quantity::new(5.0 * ms.scale, ms.dim));
    s
}

/// A model's checking errors, drawn under the model text.
fn model(text: &str) -> String {
    let mut sources = SourceMap::new();
    let src = sources.add("neurons.model", text);
    let eqs = parse_equations(text, src).expect("the model parses");
    let d = check_equations(&eqs, &base()).expect_err("the model must be rejected");
    format!("{text}\n---\n{}", d.render(&sources))
}

/// What checking a second string (`what`: `"threshold"`, `"reset"`) against a valid model
/// reports, drawn under both texts.
fn against_model(model_text: &str, what: &str, text: &str) -> String {
    let mut sources = SourceMap::new();
    let model_src = sources.add("neurons.model", model_text);
    let src = sources.add(format!("neurons.{what}"), text);
    let eqs = parse_equations(model_text, model_src).expect("the model parses");
    let m = check_equations(&eqs, &base()).expect("the model is valid");
    let scope = m.scope(&base());
    let d = match what {
        "threshold" => {
            let e = parse_expression(text, src).expect("the threshold parses");
            check_condition(&e, &scope, "threshold condition").expect_err("must be rejected")
        }
        "reset" => {
            let st = parse_statements(text, src).expect("the reset parses");
            check_statements_detailed(&st, &scope, &StatementOptions::RESET)
                .expect_err("must be rejected")
        }
        _ => {
            let e = parse_expression(text, src).expect("the expression parses");
            check_expression(&e, &scope).expect_err("must be rejected")
        }
    };
    format!(
        "{model_text}\n---\n{what}: {text}\n---\n{}",
        d.render(&sources)
    )
}

const LIF: &str = "dv/dt = (El - v)/tau + I/C : volt (unless refractory)
I = g*(El - v) : amp
El : volt
vt : volt (shared)
tau : second
C : farad
g : siemens";

macro_rules! snapshot {
    ($name:ident, $value:expr) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(stringify!($name), $value);
        }
    };
}

snapshot!(
    undefined_identifier,
    model("dv/dt = (El - v)/tua : volt\nEl : volt\ntau : second")
);
snapshot!(
    sum_of_volt_per_second_and_amp,
    model("dv/dt = (El - v)/tau + I : volt\nEl : volt\ntau : second\nI : amp\nC : farad")
);
snapshot!(
    assignment_of_a_current_to_a_voltage,
    against_model(LIF, "reset", "v = g*El")
);
snapshot!(
    threshold_not_boolean,
    against_model(LIF, "threshold", "v - 50*mV")
);
snapshot!(
    threshold_comparing_volt_with_amp,
    against_model(LIF, "threshold", "v > I")
);
snapshot!(
    exp_of_a_voltage,
    model("dv/dt = (El - v + exp(v))/tau : volt\nEl : volt\ntau : second")
);
snapshot!(dimensioned_exponent, model("x = 2**v : 1\nv : volt"));
snapshot!(
    non_constant_exponent,
    model("x = v**n : 1\nv : volt\nn : 1")
);
snapshot!(
    wrong_argument_count,
    against_model(LIF, "expression", "clip(v, El)")
);
snapshot!(
    noise_in_a_subexpression,
    model("dv/dt = -v/tau + noise : volt\nnoise = sigma*xi/tau**0.5 : volt/second\nsigma : volt\ntau : second")
);
snapshot!(
    equation_of_the_wrong_dimension,
    model("dv/dt = El - v : volt\nEl : volt")
);
snapshot!(
    assignment_to_a_subexpression,
    against_model(LIF, "reset", "I = 0*amp")
);
snapshot!(
    circular_subexpressions,
    model("dv/dt = (a - v)/tau : volt\na = b + El : volt\nb = 2*a : volt\nEl : volt\ntau : second")
);
snapshot!(
    bad_flag_for_a_parameter,
    model("dv/dt = -v/tau : volt\ntau : second (unless refractory)")
);
snapshot!(
    several_errors_in_one_model,
    model("dv/dt = (El - v)/tau + I : volt\nI = g*(El - v) : volt\nEl : volt\ntau : second\ng : siemens")
);
snapshot!(
    shared_variable_in_a_reset,
    against_model(LIF, "reset", "vt = v")
);
snapshot!(
    unknown_function,
    against_model(LIF, "expression", "epx(-v/El)")
);
