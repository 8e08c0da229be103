//! Checking a model's equations into a [`Model`], with Brian2's rules (`Equations`,
//! `SingleEquation`, `check_units`, `check_subexpressions`, `NeuronGroup.__init__`):
//! - names must not be reserved (`t`, `dt`, `xi`, `i`, `N`, ...), unit, constant or function
//!   names, and each is defined once;
//! - flags must suit the equation kind and the group;
//! - only float variables can be defined by differential equations;
//! - `dx/dt = f` needs `f` in the unit of `x` per second; `x = f : unit` needs `f` in `unit`;
//! - `xi` noise only in differential equations, and one `xi` name in one equation only;
//! - subexpressions must not refer to themselves, even indirectly; a subexpression that calls
//!   a random function must be `constant over dt`; a shared subexpression may only read
//!   shared values.

use super::dimname::dimension_name;
use super::expr::{check_expression_in, NoiseRule};
use super::flags::{var_flags, GroupKind, VarFlags};
use super::help::operand_text;
use super::model::{Model, ModelVariable};
use super::scope::{default_unit, is_noise_name, Resolved, Scope};
use super::value::checked_div;
use crate::ast::{Equation, EquationKind, Expr, ExprKind, VarType};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::functions::lookup_function;
use crate::span::Span;
use rheobase_units::Dimension;
use std::collections::BTreeMap;

const SECOND: Dimension = Dimension::from_ints([0, 0, 1, 0, 0, 0, 0]);

/// Checks a `NeuronGroup` model against the builtins and namespace in `scope`.
pub fn check_equations(eqs: &[Equation], scope: &Scope) -> Result<Model, Diagnostics> {
    check_equations_for(eqs, scope, GroupKind::NeuronGroup)
}

/// Checks a model for a given kind of group (the flags allowed differ).
pub fn check_equations_for(
    eqs: &[Equation],
    scope: &Scope,
    group: GroupKind,
) -> Result<Model, Diagnostics> {
    let mut errors = Diagnostics::new();
    let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
    let mut model = Model::default();

    for eq in eqs {
        check_name(eq, &mut errors);
        if let Some(first) = seen.get(eq.name.as_str()) {
            errors.push(
                Diagnostic::error(
                    "model::duplicate_definition",
                    format!("`{}` is defined more than once", eq.name),
                )
                .with_primary(eq.name_span, "defined again here")
                .with_secondary(*first, "first defined here"),
            );
            continue;
        }
        seen.insert(&eq.name, eq.name_span);
        let flags = match var_flags(eq, group) {
            Ok(f) => f,
            Err(d) => {
                errors.extend(d);
                VarFlags::default()
            }
        };
        if eq.kind == EquationKind::Differential && eq.unit.vtype != VarType::Float {
            let t = if eq.unit.vtype == VarType::Boolean {
                "boolean"
            } else {
                "integer"
            };
            errors.push(
                Diagnostic::error(
                    "model::invalid_type",
                    format!(
                        "differential equations can only define float variables, but `{}` is {t}",
                        eq.name
                    ),
                )
                .with_primary(eq.unit.span, t),
            );
        }
        model.variables.push(ModelVariable {
            name: eq.name.clone(),
            dim: eq.unit.dim,
            vtype: eq.unit.vtype,
            kind: eq.kind,
            expr: eq.expr.clone(),
            flags,
            span: eq.span,
        });
    }

    let full = model.scope(scope);
    let mut noise_users: BTreeMap<String, (String, Span)> = BTreeMap::new();
    for eq in eqs {
        let Some(expr) = &eq.expr else { continue };
        // Duplicates were reported; check each name's first definition only.
        if seen.get(eq.name.as_str()) != Some(&eq.name_span) {
            continue;
        }
        let differential = eq.kind == EquationKind::Differential;
        let flags = model.get(&eq.name).map(|v| v.flags).unwrap_or_default();
        let noise = match eq.kind {
            EquationKind::Differential => NoiseRule::Allowed,
            EquationKind::Subexpression if !flags.constant_over_dt => NoiseRule::NamedOnly,
            _ => NoiseRule::Forbidden,
        };
        match check_expression_in(expr, &full, noise) {
            Ok(t) => check_rhs_dimension(eq, expr, t.dim, t.vtype, &full, &mut errors),
            Err(d) => errors.extend(d),
        }
        if differential {
            check_noise_reuse(eq, expr, &full, &mut noise_users, &mut errors);
        }
        if eq.kind == EquationKind::Subexpression {
            check_subexpression_rules(eq, expr, &flags, &full, &model, &mut errors);
        }
    }
    check_cycles(eqs, &model, &mut errors);

    if errors.has_errors() {
        Err(errors)
    } else {
        Ok(model)
    }
}

/// Brian2's `check_identifier_*`: reserved, unit, constant and function names are not
/// available as variable names.
fn check_name(eq: &Equation, errors: &mut Diagnostics) {
    let name = eq.name.as_str();
    let why = if matches!(name, "t" | "dt" | "t_in_timesteps" | "xi" | "i" | "N")
        || is_noise_name(name)
    {
        "it has a special meaning in equations"
    } else if name.starts_with('_') {
        "names starting with an underscore are reserved for internal use"
    } else if matches!(name, "pi" | "e" | "inf") {
        "it is the name of a constant"
    } else if default_unit(name).is_some() {
        "it is the name of a unit"
    } else if lookup_function(name).is_some() {
        "it is the name of a function"
    } else {
        return;
    };
    errors.push(
        Diagnostic::error(
            "model::invalid_name",
            format!("`{name}` cannot be used as a variable name: {why}"),
        )
        .with_primary(eq.name_span, "reserved name"),
    );
}

fn check_rhs_dimension(
    eq: &Equation,
    expr: &Expr,
    got: Dimension,
    vtype: VarType,
    scope: &Scope,
    errors: &mut Diagnostics,
) {
    let name = &eq.name;
    let declared = dimension_name(&eq.unit.dim);
    match eq.kind {
        EquationKind::Differential => {
            let Some(want) = checked_div(&eq.unit.dim, &SECOND) else {
                return;
            };
            if got != want {
                let mut d = Diagnostic::error(
                    "units::equation_dimension",
                    format!(
                        "the right-hand side of `d{name}/dt` must be in {}, but it is in {}",
                        dimension_name(&want),
                        dimension_name(&got)
                    ),
                )
                .with_primary(expr.span, dimension_name(&got))
                .with_secondary(eq.unit.span, format!("`{name}` is in {declared}"));
                let time_constant = scope
                    .names_with_dimension(&SECOND)
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| "tau".to_string());
                if got == eq.unit.dim {
                    let rhs = operand_text(expr).map_or("...".to_string(), |(_, w)| w);
                    d = d.with_help(format!(
                        "divide by a time constant, e.g. `d{name}/dt = {rhs}/{time_constant}`"
                    ));
                } else {
                    d = d.with_help(format!(
                        "`d{name}/dt` has the unit of `{name}` divided by second"
                    ));
                }
                errors.push(d);
            }
        }
        EquationKind::Subexpression => {
            if got != eq.unit.dim {
                errors.push(
                    Diagnostic::error(
                        "units::equation_dimension",
                        format!(
                            "the subexpression `{name}` is declared in {declared}, but its \
                             definition is in {}",
                            dimension_name(&got)
                        ),
                    )
                    .with_primary(expr.span, dimension_name(&got))
                    .with_secondary(eq.unit.span, format!("declared in {declared}")),
                );
            } else if eq.unit.vtype == VarType::Boolean && vtype != VarType::Boolean {
                errors.push(
                    Diagnostic::error(
                        "model::not_boolean",
                        format!("the subexpression `{name}` is declared boolean, but its definition is not"),
                    )
                    .with_primary(expr.span, "not a boolean")
                    .with_secondary(eq.unit.span, "declared boolean"),
                );
            }
        }
        EquationKind::Parameter => {}
    }
}

/// Brian2 forbids plain `xi` in two equations: `xi_1`, `xi_2` say that the noise is
/// independent, the same `xi_name` in both that it is shared.
fn check_noise_reuse(
    eq: &Equation,
    expr: &Expr,
    scope: &Scope,
    users: &mut BTreeMap<String, (String, Span)>,
    errors: &mut Diagnostics,
) {
    let mut mine: Vec<(&str, Span)> = Vec::new();
    expr.visit(&mut |e| {
        if let ExprKind::Name(n) = &e.kind {
            if matches!(scope.resolve(n), Some(Resolved::Noise))
                && !mine.iter().any(|(m, _)| m == n)
            {
                mine.push((n, e.span));
            }
        }
    });
    for (n, span) in mine {
        match users.get(n) {
            Some((other, other_span)) if *other != eq.name => errors.push(
                Diagnostic::error(
                    "model::invalid_noise",
                    format!(
                        "the noise `{n}` is used in the equations of both `{other}` and `{}`",
                        eq.name
                    ),
                )
                .with_primary(span, "used again here")
                .with_secondary(*other_span, "first used here")
                .with_help(
                    "rename to `xi_1`, `xi_2`, ...: one name for the same noise realisation \
                     is ambiguous; different names give independent noise",
                ),
            ),
            Some(_) => {}
            None => {
                users.insert(n.to_string(), (eq.name.clone(), span));
            }
        }
    }
}

fn check_subexpression_rules(
    eq: &Equation,
    expr: &Expr,
    flags: &VarFlags,
    scope: &Scope,
    model: &Model,
    errors: &mut Diagnostics,
) {
    let is_linked = |n: &str| model.get(n).is_some_and(|v| v.flags.linked);
    let mut random_calls: Vec<(String, Span)> = Vec::new();
    let mut per_element: Vec<(String, Span)> = Vec::new();
    expr.visit(&mut |e| match &e.kind {
        ExprKind::Call {
            name, name_span, ..
        } => {
            if let Some(Resolved::Function(f)) = scope.resolve(name) {
                if !f.is_stateless() {
                    random_calls.push((name.clone(), *name_span));
                }
            }
        }
        ExprKind::Name(n) => match scope.resolve(n) {
            // A linked variable is shared when its target is (known only at run time).
            Some(Resolved::Variable(v)) if !v.shared && !is_linked(n) => {
                per_element.push((n.clone(), e.span))
            }
            Some(Resolved::Noise) => per_element.push((n.clone(), e.span)),
            _ => {}
        },
        _ => {}
    });
    if !flags.constant_over_dt {
        for (f, span) in &random_calls {
            errors.push(
                Diagnostic::error(
                    "model::stateful_subexpression",
                    format!(
                        "the subexpression `{}` calls `{f}`, which gives a new value on each \
                         call",
                        eq.name
                    ),
                )
                .with_primary(*span, "random function")
                .with_help(format!(
                    "add the flag `(constant over dt)` so that `{}` is evaluated once per time step",
                    eq.name
                )),
            );
        }
    }
    if flags.shared {
        let offenders = per_element
            .iter()
            .map(|(n, s)| (format!("`{n}` differs between elements"), *s))
            .chain(
                random_calls
                    .iter()
                    .map(|(f, s)| (format!("`{f}` draws a value per element"), *s)),
            );
        for (label, span) in offenders {
            errors.push(
                Diagnostic::error(
                    "model::shared_non_shared",
                    format!(
                        "the shared subexpression `{}` refers to per-element values",
                        eq.name
                    ),
                )
                .with_primary(span, label)
                .with_secondary(eq.name_span, "shared"),
            );
        }
    }
}

/// Reports each cycle among subexpressions once.
fn check_cycles(eqs: &[Equation], model: &Model, errors: &mut Diagnostics) {
    let subs: BTreeMap<&str, &Equation> = eqs
        .iter()
        .filter(|e| e.kind == EquationKind::Subexpression)
        .map(|e| (e.name.as_str(), e))
        .collect();
    let deps = |name: &str| -> Vec<&str> {
        let mut d: Vec<&str> = subs
            .get(name)
            .and_then(|e| e.expr.as_ref())
            .map(|x| x.names())
            .unwrap_or_default()
            .into_iter()
            .filter(|n| subs.contains_key(n))
            .collect();
        d.dedup();
        d
    };
    let mut reported: Vec<Vec<&str>> = Vec::new();
    let mut finished: Vec<&str> = Vec::new();
    for v in model.subexpressions() {
        let mut stack: Vec<(&str, usize)> = vec![(v.name.as_str(), 0)];
        while let Some(&(node, idx)) = stack.last() {
            let next = deps(node);
            if idx >= next.len() {
                finished.push(node);
                stack.pop();
                continue;
            }
            if let Some(top) = stack.last_mut() {
                top.1 += 1;
            }
            let dep = next[idx];
            if finished.contains(&dep) {
                continue;
            }
            if let Some(pos) = stack.iter().position(|(n, _)| *n == dep) {
                let cycle: Vec<&str> = stack[pos..].iter().map(|(n, _)| *n).collect();
                let mut key = cycle.clone();
                key.sort();
                if !reported.contains(&key) {
                    reported.push(key);
                    errors.push(cycle_diagnostic(&cycle, &subs));
                }
                continue;
            }
            stack.push((dep, 0));
        }
    }
}

fn cycle_diagnostic(cycle: &[&str], subs: &BTreeMap<&str, &Equation>) -> Diagnostic {
    let path: Vec<String> = cycle
        .iter()
        .chain(cycle.first())
        .map(|n| format!("`{n}`"))
        .collect();
    let mut d = Diagnostic::error(
        "model::circular_definition",
        format!(
            "circular definition of subexpressions: {}",
            path.join(" -> ")
        ),
    );
    for (k, name) in cycle.iter().enumerate() {
        let next = cycle[(k + 1) % cycle.len()];
        if let Some(eq) = subs.get(name) {
            let msg = format!("`{name}` refers to `{next}`");
            d = if k == 0 {
                d.with_primary(eq.name_span, msg)
            } else {
                d.with_secondary(eq.name_span, msg)
            };
        }
    }
    d.with_help("define one of these in terms of state variables or parameters instead")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::noise_dimension;
    use crate::check::testutil::{at, codes, equations, expr, VOLT};

    fn base() -> Scope {
        let mut s = Scope::neuron_group(true);
        s.add_constant("tau_c", rheobase_units::Quantity::new(0.005, SECOND));
        s
    }

    fn err(text: &str) -> Diagnostics {
        match check_equations(&equations(text), &base()) {
            Ok(m) => panic!("{text} passed: {m:?}"),
            Err(d) => d,
        }
    }

    fn labels(text: &str, d: &Diagnostic) -> Vec<(bool, String, String)> {
        d.labels
            .iter()
            .map(|l| (l.primary, at(text, l.span).to_string(), l.message.clone()))
            .collect()
    }

    const LIF: &str = "dv/dt = (El - v)/tau + I/C + sigma*xi/tau**0.5 : volt (unless refractory)
I = g*(El - v) + I0 : amp
I0 : amp (constant)
El : volt (shared)
tau : second
C : farad
g : siemens
sigma : volt";

    #[test]
    fn a_valid_model() {
        let m = check_equations(&equations(LIF), &base()).unwrap();
        let names: Vec<_> = m.variables.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["v", "I", "I0", "El", "tau", "C", "g", "sigma"]);
        assert_eq!(m.state_vars().count(), 1);
        assert_eq!(m.subexpressions().count(), 1);
        assert_eq!(m.parameters().count(), 6);
        let v = m.get("v").unwrap();
        assert!(v.flags.unless_refractory && v.dim == VOLT && v.kind == EquationKind::Differential);
        assert!(m.get("I0").unwrap().flags.constant);
        assert!(m.get("El").unwrap().flags.shared);
    }

    #[test]
    fn differential_equation_of_the_wrong_dimension() {
        let text = "dv/dt = (El - v) : volt\nEl : volt";
        let d = err(text);
        assert_eq!(codes(&d), ["units::equation_dimension"]);
        assert_eq!(
            d.0[0].message,
            "the right-hand side of `dv/dt` must be in volt/second, but it is in volt"
        );
        assert_eq!(
            labels(text, &d.0[0]),
            [
                (true, "(El - v)".to_string(), "volt".to_string()),
                (false, "volt".to_string(), "`v` is in volt".to_string())
            ]
        );
        assert_eq!(
            d.0[0].help.as_deref(),
            Some("divide by a time constant, e.g. `dv/dt = (El - v)/tau_c`")
        );
    }

    #[test]
    fn sum_in_a_differential_equation() {
        let text = "dv/dt = (El - v)/tau + I : volt\nEl : volt\ntau : second\nI : amp\nC : farad";
        let d = err(text);
        assert_eq!(codes(&d), ["units::dimension_mismatch"]);
        assert_eq!(d.0[0].message, "cannot add volt/second and amp");
        assert_eq!(
            d.0[0].help.as_deref(),
            Some("divide `I` by a capacitance, e.g. `I/C`")
        );
    }

    #[test]
    fn subexpression_of_the_wrong_dimension() {
        let text = "I = g*v : volt\ng : siemens\nv : volt";
        let d = err(text);
        assert_eq!(codes(&d), ["units::equation_dimension"]);
        assert_eq!(
            d.0[0].message,
            "the subexpression `I` is declared in volt, but its definition is in amp"
        );
        let text = "b = v : boolean\nv : 1";
        assert_eq!(codes(&err(text)), ["model::not_boolean"]);
    }

    #[test]
    fn noise_in_a_subexpression() {
        // The test reader has no unit volt/second**0.5; set it by hand.
        let mut eqs =
            equations("dv/dt = -v/tau : volt\nnoise = sigma*xi : volt\nsigma : volt\ntau : second");
        eqs[1].unit.dim = VOLT.mul(&noise_dimension());
        let d = check_equations(&eqs, &base()).unwrap_err();
        assert_eq!(codes(&d), ["model::noise_not_allowed"]);
        assert_eq!(
            d.0[0].message,
            "white noise `xi` is only allowed in differential equations"
        );
    }

    #[test]
    fn named_noise_in_subexpressions_as_in_brian2() {
        // From Brian2's examples/frompapers/Spreizer_et_al_2019.
        let text = "dv/dt = (E-v)/tau_m + (noise + I_syn)/C : volt (unless refractory)
I_syn : amp
noise = mu + sigma*sqrt(noise_dt)*xi_pop : amp
mu : amp (shared)
sigma : amp (shared)
noise_dt = 1*ms : second (shared)
C = 250*pF : farad (shared)
tau_m = 10*ms : second (shared)
E = -70*mV : volt (shared)";
        let m = check_equations(&equations(text), &base()).unwrap();
        assert!(m.is_noisy(m.get("noise").unwrap()));
        let rhs = m.substitute_subexpressions(m.get("v").unwrap().expr.as_ref().unwrap());
        assert!(rhs.names().contains(&"xi_pop"));
        // Where the noisy subexpression is not substituted into a differential equation it
        // is refused.
        let scope = m.scope(&base());
        let d = crate::check::check_expression(&expr("noise > 1*nA"), &scope).unwrap_err();
        assert_eq!(codes(&d), ["model::noise_not_allowed"]);
        let d = err("x = xi_1*second**0.5 : 1 (constant over dt)");
        assert_eq!(codes(&d), ["model::noise_not_allowed"]);
        let d = err("x = xi_1*second**0.5 : 1 (shared)");
        assert_eq!(codes(&d), ["model::shared_non_shared"]);
    }

    #[test]
    fn the_same_noise_in_two_equations() {
        let text = "dv/dt = -v/tau + sg*xi/tau**0.5 : volt\ndw/dt = -w/tau + sg*xi/tau**0.5 : volt\nsg : volt\ntau : second";
        let d = err(text);
        assert_eq!(codes(&d), ["model::invalid_noise"]);
        let ok = "dv/dt = -v/tau + sg*xi_1/tau**0.5 : volt\ndw/dt = -w/tau + sg*xi_2/tau**0.5 : volt\nsg : volt\ntau : second";
        assert!(check_equations(&equations(ok), &base()).is_ok());
    }

    #[test]
    fn circular_subexpressions() {
        let text = "a = b + v : volt\nb = 2*a : volt\nc = c : volt\nv : volt";
        let d = err(text);
        assert_eq!(
            codes(&d),
            ["model::circular_definition", "model::circular_definition"]
        );
        assert_eq!(
            d.0[0].message,
            "circular definition of subexpressions: `a` -> `b` -> `a`"
        );
        assert_eq!(
            labels(text, &d.0[0]),
            [
                (true, "a".to_string(), "`a` refers to `b`".to_string()),
                (false, "b".to_string(), "`b` refers to `a`".to_string())
            ]
        );
        assert_eq!(
            d.0[1].message,
            "circular definition of subexpressions: `c` -> `c`"
        );
    }

    #[test]
    fn bad_flag_for_a_parameter() {
        let text = "dv/dt = -v/tau : volt\ntau : second (unless refractory)";
        let d = err(text);
        assert_eq!(codes(&d), ["model::invalid_flag"]);
        assert_eq!(
            d.0[0].message,
            "flag `unless refractory` is not allowed for parameters such as `tau`"
        );
        assert_eq!(labels(text, &d.0[0])[0].1, "unless refractory");
        assert_eq!(
            d.0[0].help.as_deref(),
            Some("flags allowed for parameters: `constant`, `shared`, `linked`")
        );
        let d = err("tau : second (consant)");
        assert_eq!(
            d.0[0].message,
            "flag `consant` is not allowed for parameters such as `tau`"
        );
    }

    #[test]
    fn names_and_types() {
        assert_eq!(codes(&err("t : second")), ["model::invalid_name"]);
        assert_eq!(codes(&err("exp : 1")), ["model::invalid_name"]);
        assert_eq!(codes(&err("mV : volt")), ["model::invalid_name"]);
        assert_eq!(codes(&err("pi : 1")), ["model::invalid_name"]);
        assert_eq!(codes(&err("xi_3 : 1")), ["model::invalid_name"]);
        // The parser rejects these too; equations built in code must still be caught.
        let mut eqs = equations("x : volt\ny : amp");
        eqs[1].name = "x".into();
        let d = check_equations(&eqs, &base()).unwrap_err();
        assert_eq!(codes(&d), ["model::duplicate_definition"]);
        let mut eqs = equations("dn/dt = 1/second : 1");
        eqs[0].unit.vtype = VarType::Integer;
        let d = check_equations(&eqs, &base()).unwrap_err();
        assert_eq!(codes(&d), ["model::invalid_type"]);
    }

    #[test]
    fn undefined_names_in_equations() {
        let text = "dv/dt = (El - v)/tau : volt\nEl : volt";
        let d = err(text);
        assert_eq!(codes(&d), ["model::undefined_identifier"]);
        assert_eq!(d.0[0].help.as_deref(), Some("did you mean `tau_c`?"));
    }

    #[test]
    fn random_and_shared_subexpressions() {
        let d = err("dv/dt = -v/tau + r*mV/tau : volt\nr = rand() : 1\ntau : second");
        assert_eq!(codes(&d), ["model::stateful_subexpression"]);
        assert!(d.0[0]
            .help
            .as_deref()
            .unwrap()
            .contains("(constant over dt)"));
        let ok =
            "dv/dt = -v/tau + r*mV/tau : volt\nr = rand() : 1 (constant over dt)\ntau : second";
        assert!(check_equations(&equations(ok), &base()).is_ok());
        let d = err("m = v*2 : volt (shared)\nv : volt");
        assert_eq!(codes(&d), ["model::shared_non_shared"]);
        let ok = "m = v*2 : volt (shared)\nv : volt (shared)";
        assert!(check_equations(&equations(ok), &base()).is_ok());
    }

    #[test]
    fn all_errors_of_a_model_together() {
        let text = "dv/dt = exp(v) : volt\nw = 2**v : 1\nq : volt (summed)";
        let d = err(text);
        assert_eq!(
            codes(&d),
            [
                "model::invalid_flag",
                "units::function_argument",
                "units::dimensioned_exponent"
            ]
        );
    }

    #[test]
    fn synapse_flags() {
        let eqs = equations(
            "dw/dt = -w/tau : 1 (event-driven)\ntau : second\nI_post = w*nA : amp (summed)",
        );
        let m = check_equations_for(&eqs, &base(), GroupKind::Synapses).unwrap();
        assert!(m.get("w").unwrap().flags.event_driven);
        assert!(m.get("I_post").unwrap().flags.summed);
        let eqs = equations("dw/dt = -w/tau : 1 (event-driven, clock-driven)\ntau : second");
        let d = check_equations_for(&eqs, &base(), GroupKind::Synapses).unwrap_err();
        assert_eq!(codes(&d), ["model::invalid_flag"]);
        assert!(check_equations(&eqs, &base()).is_err());
    }
}
