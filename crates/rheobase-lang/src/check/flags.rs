//! Equation flags (`(unless refractory)`, `(constant, shared)`, ...): which are allowed for
//! each kind of equation in each kind of group, as Brian2's `check_flags` calls in
//! `NeuronGroup`, `Synapses` and `SpatialNeuron`.

use crate::ast::{Equation, EquationKind};
use crate::diagnostic::{Diagnostic, Diagnostics};

/// The flags of one model variable.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct VarFlags {
    /// `unless refractory`: the variable is not integrated while the neuron is refractory.
    pub unless_refractory: bool,
    /// `constant`: the parameter does not change during a run.
    pub constant: bool,
    /// `shared`: one value for the whole group.
    pub shared: bool,
    /// `linked`: the parameter refers to another group's variable (`linked_var`).
    pub linked: bool,
    /// `constant over dt`: the subexpression is evaluated once per time step and stored.
    pub constant_over_dt: bool,
    /// `clock-driven` (synapses): integrated every time step.
    pub clock_driven: bool,
    /// `event-driven` (synapses): integrated only when a spike arrives.
    pub event_driven: bool,
    /// `summed` (synapses): summed into the postsynaptic variable of the same name.
    pub summed: bool,
    /// `point current` (spatial neurons): a current injected at a point, not a density.
    pub point_current: bool,
}

/// The group whose rules apply.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum GroupKind {
    #[default]
    NeuronGroup,
    Synapses,
    SpatialNeuron,
}

const ALL_FLAGS: &[&str] = &[
    "unless refractory",
    "constant",
    "shared",
    "linked",
    "constant over dt",
    "clock-driven",
    "event-driven",
    "summed",
    "point current",
];

/// The flags Brian2 allows for this kind of equation in this kind of group.
pub fn allowed_flags(group: GroupKind, kind: EquationKind) -> &'static [&'static str] {
    use EquationKind::*;
    match (group, kind) {
        (GroupKind::NeuronGroup, Differential) => &["unless refractory"],
        (GroupKind::NeuronGroup, Parameter) => &["constant", "shared", "linked"],
        (GroupKind::NeuronGroup, Subexpression) => &["shared", "constant over dt"],
        (GroupKind::Synapses, Differential) => &["event-driven", "clock-driven"],
        (GroupKind::Synapses, Parameter) => &["constant", "shared", "linked"],
        (GroupKind::Synapses, Subexpression) => &["summed", "shared", "constant over dt"],
        (GroupKind::SpatialNeuron, Differential) => &["point current"],
        (GroupKind::SpatialNeuron, Parameter) => &["constant", "shared", "linked", "point current"],
        (GroupKind::SpatialNeuron, Subexpression) => {
            &["shared", "point current", "constant over dt"]
        }
    }
}

/// Flag pairs that cannot be combined (Brian2's `incompatible_flags` for `Synapses`).
fn incompatible(group: GroupKind) -> &'static [(&'static str, &'static str)] {
    match group {
        GroupKind::Synapses => &[
            ("event-driven", "clock-driven"),
            ("summed", "shared"),
            ("summed", "constant over dt"),
        ],
        _ => &[],
    }
}

/// A flag as written, with whitespace normalised (`constant  over dt` → `constant over dt`).
pub fn normalise_flag(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn kind_noun(kind: EquationKind) -> &'static str {
    match kind {
        EquationKind::Differential => "differential equations",
        EquationKind::Subexpression => "subexpressions",
        EquationKind::Parameter => "parameters",
    }
}

/// Validates the flags of one equation and returns them as [`VarFlags`].
pub fn validate_flags(eq: &Equation, group: GroupKind) -> Result<VarFlags, Diagnostics> {
    let allowed = allowed_flags(group, eq.kind);
    let mut errors = Diagnostics::new();
    let mut flags = VarFlags::default();
    let mut seen: Vec<(String, crate::span::Span)> = Vec::new();
    for flag in &eq.flags {
        let name = normalise_flag(&flag.name);
        if !allowed.contains(&name.as_str()) {
            let known = ALL_FLAGS.contains(&name.as_str());
            let msg = if known {
                format!(
                    "{} cannot have the flag `{name}` (variable `{}`)",
                    kind_noun(eq.kind),
                    eq.name
                )
            } else {
                format!("unknown flag `{name}` for variable `{}`", eq.name)
            };
            let help = if allowed.is_empty() {
                format!("{} cannot have any flags", kind_noun(eq.kind))
            } else {
                format!(
                    "flags allowed for {}: {}",
                    kind_noun(eq.kind),
                    allowed
                        .iter()
                        .map(|f| format!("`{f}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            errors.push(
                Diagnostic::error("model::invalid_flag", msg)
                    .with_primary(
                        flag.span,
                        if known {
                            "not allowed here"
                        } else {
                            "unknown flag"
                        },
                    )
                    .with_help(help),
            );
            continue;
        }
        for (a, b) in incompatible(group) {
            let other = if name == *a {
                b
            } else if name == *b {
                a
            } else {
                continue;
            };
            if let Some((_, other_span)) = seen.iter().find(|(n, _)| n == other) {
                errors.push(
                    Diagnostic::error(
                        "model::incompatible_flags",
                        format!("the flag `{name}` cannot be combined with `{other}`"),
                    )
                    .with_primary(flag.span, name.clone())
                    .with_secondary(*other_span, other.to_string()),
                );
            }
        }
        seen.push((name.clone(), flag.span));
        match name.as_str() {
            "unless refractory" => flags.unless_refractory = true,
            "constant" => flags.constant = true,
            "shared" => flags.shared = true,
            "linked" => flags.linked = true,
            "constant over dt" => flags.constant_over_dt = true,
            "clock-driven" => flags.clock_driven = true,
            "event-driven" => flags.event_driven = true,
            "summed" => flags.summed = true,
            "point current" => flags.point_current = true,
            _ => {}
        }
    }
    if errors.is_empty() {
        Ok(flags)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::{Flag, UnitSpec, VarType};
    use crate::span::Span;
    use rheobase_units::Dimension;

    fn eq(kind: EquationKind, flags: &[&str]) -> Equation {
        Equation {
            kind,
            name: "x".into(),
            name_span: Span::default(),
            expr: None,
            unit: UnitSpec {
                dim: Dimension::DIMENSIONLESS,
                vtype: VarType::Float,
                span: Span::default(),
            },
            flags: flags
                .iter()
                .map(|f| Flag {
                    name: f.to_string(),
                    span: Span::default(),
                })
                .collect(),
            span: Span::default(),
        }
    }

    #[test]
    fn flags_are_read_with_normalised_whitespace() {
        let e = eq(
            EquationKind::Subexpression,
            &["constant  over\tdt", "shared"],
        );
        let f = validate_flags(&e, GroupKind::NeuronGroup).unwrap();
        assert!(f.constant_over_dt && f.shared && !f.summed);
        assert_eq!(normalise_flag(" unless   refractory "), "unless refractory");
    }

    #[test]
    fn allowed_sets_follow_brian2() {
        use EquationKind::*;
        assert_eq!(
            allowed_flags(GroupKind::NeuronGroup, Differential),
            &["unless refractory"]
        );
        assert!(allowed_flags(GroupKind::Synapses, Subexpression).contains(&"summed"));
        assert!(!allowed_flags(GroupKind::NeuronGroup, Subexpression).contains(&"summed"));
        let e = eq(Subexpression, &["summed"]);
        let d = validate_flags(&e, GroupKind::NeuronGroup).unwrap_err();
        assert_eq!(d.0[0].code, "model::invalid_flag");
        assert_eq!(
            d.0[0].message,
            "subexpressions cannot have the flag `summed` (variable `x`)"
        );
        let e = eq(Subexpression, &["summed", "shared"]);
        let d = validate_flags(&e, GroupKind::Synapses).unwrap_err();
        assert_eq!(d.0[0].code, "model::incompatible_flags");
    }
}
