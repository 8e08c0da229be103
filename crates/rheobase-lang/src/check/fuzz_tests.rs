//! Property test: no input that parses makes checking panic (overflowing exponents, cycles,
//! odd names, deep nesting); checking either succeeds or returns diagnostics with codes.

use super::testutil::neuron_scope;
use super::{
    check_condition, check_differential_rhs, check_equations, check_expression,
    check_statements_detailed, Scope, StatementOptions,
};
use crate::parser::{parse_equations, parse_expression, parse_statements};
use crate::span::SourceId;
use proptest::prelude::*;

const TOKENS: &[&str] = &[
    "v",
    "El",
    "vt",
    "tau",
    "I",
    "C",
    "g",
    "flag",
    "count",
    "Iin",
    "tau_c",
    "xi",
    "xi_1",
    "t",
    "dt",
    "i",
    "N",
    "lastspike",
    "not_refractory",
    "undefined",
    "mV",
    "ms",
    "nA",
    "pi",
    "e",
    "inf",
    "exp",
    "sqrt",
    "clip",
    "rand",
    "int",
    "timestep",
    "abs",
    "0",
    "1",
    "2.5",
    "-3",
    "1e308",
    "2000000000",
    "True",
    "+",
    "-",
    "*",
    "/",
    "//",
    "%",
    "**",
    "<",
    ">=",
    "==",
    "and",
    "or",
    "not",
    "(",
    ")",
    ",",
    "(",
    ")",
];

fn expression_text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 1..24).prop_map(|t| t.join(" "))
}

fn check_all(text: &str) {
    let scope = neuron_scope();
    if let Ok(e) = parse_expression(text, SourceId(0)) {
        for r in [
            check_expression(&e, &scope),
            check_condition(&e, &scope, "threshold condition"),
            check_differential_rhs(&e, &scope),
        ] {
            if let Err(d) = r {
                assert!(d.iter().all(|d| d.code.contains("::")));
            }
        }
    }
    for target in ["v", "vt", "count", "flag", "tmp", "Iin", "t"] {
        for op in ["=", "+=", "*="] {
            let code = format!("{target} {op} {text}\ntmp2 = tmp");
            if let Ok(st) = parse_statements(&code, SourceId(0)) {
                let _ = check_statements_detailed(&st, &scope, &StatementOptions::RESET);
            }
        }
    }
    let model = format!(
        "dv/dt = {text} : volt\ns = {text} : 1\nr = s + {text} : 1 (constant over dt)\nEl : volt\ntau : second"
    );
    if let Ok(eqs) = parse_equations(&model, SourceId(0)) {
        if let Ok(m) = check_equations(&eqs, &Scope::neuron_group(true)) {
            for v in &m.variables {
                if let Some(e) = &v.expr {
                    let _ = m.substitute_subexpressions(e);
                }
            }
        }
    }
}

const LEAVES: &[&str] = &[
    "v",
    "El",
    "vt",
    "tau",
    "I",
    "flag",
    "count",
    "Iin",
    "tau_c",
    "xi",
    "xi_1",
    "t",
    "i",
    "N",
    "mV",
    "ms",
    "pi",
    "inf",
    "0",
    "1",
    "2.5",
    "1e308",
    "2000000000",
    "True",
    "nothing",
];
const BINARY: &[&str] = &[
    "+", "-", "*", "/", "//", "%", "**", "<", ">=", "==", "!=", "and", "or",
];
const CALLS: &[&str] = &[
    "exp", "sqrt", "abs", "int", "floor", "sign", "rand", "v", "clip",
];

/// Well-formed expressions, so that checking (not parsing) gets exercised.
fn well_formed() -> impl Strategy<Value = String> {
    let leaf = prop::sample::select(LEAVES).prop_map(|s| s.to_string());
    leaf.prop_recursive(5, 40, 3, |inner| {
        prop_oneof![
            (inner.clone(), prop::sample::select(BINARY), inner.clone())
                .prop_map(|(a, op, b)| format!("({a} {op} {b})")),
            (
                prop::sample::select(CALLS),
                prop::collection::vec(inner.clone(), 0..4)
            )
                .prop_map(|(f, args)| format!("{f}({})", args.join(", "))),
            inner.clone().prop_map(|a| format!("(not {a})")),
            inner.prop_map(|a| format!("(-{a})")),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn checking_never_panics(text in expression_text()) {
        check_all(&text);
    }

    #[test]
    fn checking_well_formed_expressions_never_panics(text in well_formed()) {
        prop_assert!(parse_expression(&text, SourceId(0)).is_ok(), "{}", text);
        check_all(&text);
    }
}

#[test]
fn known_hard_inputs() {
    for text in [
        "v ** 2000000000 * v ** 2000000000",
        "sqrt(v ** 1000000001)",
        "v ** (1 / 3)",
        "v ** inf",
        "v ** -1e308",
        "(v ** 0.5) ** 1e-9",
        "exp(exp(exp(v)))",
        "clip()",
        "not not not flag",
        "1e308 * 1e308 > v / mV",
    ] {
        check_all(text);
    }
}
