//! Which flags each kind of equation may carry, per group type (Brian2's `check_flags`).
//!
//! The parser records flags as written; the group that owns the equations validates them
//! with its own [`FlagRules`].

use crate::ast::{Equation, EquationKind};
use crate::diagnostic::{Diagnostic, Diagnostics};

/// The flags allowed for each equation kind, and sets of flags that exclude each other.
#[derive(Clone, Copy, Debug)]
pub struct FlagRules {
    pub differential: &'static [&'static str],
    pub subexpression: &'static [&'static str],
    pub parameter: &'static [&'static str],
    /// Each group lists flags of which at most one may appear on one equation.
    pub incompatible: &'static [&'static [&'static str]],
}

impl FlagRules {
    pub fn allowed(&self, kind: EquationKind) -> &'static [&'static str] {
        match kind {
            EquationKind::Differential => self.differential,
            EquationKind::Subexpression => self.subexpression,
            EquationKind::Parameter => self.parameter,
        }
    }
}

/// `NeuronGroup` (Brian2 2.9 `neurongroup.py`).
pub const NEURON_GROUP_FLAGS: FlagRules = FlagRules {
    differential: &["unless refractory"],
    subexpression: &["shared", "constant over dt"],
    parameter: &["constant", "shared", "linked"],
    incompatible: &[],
};

/// `Synapses` (Brian2 2.9 `synapses.py`): `summed` combines with no other flag.
pub const SYNAPSES_FLAGS: FlagRules = FlagRules {
    differential: &["event-driven", "clock-driven"],
    subexpression: &["summed", "shared", "constant over dt"],
    parameter: &["constant", "shared", "linked"],
    incompatible: &[
        &["event-driven", "clock-driven"],
        &["summed", "shared", "constant over dt"],
    ],
};

/// Every flag any group knows; used to recognise flags written in the wrong place.
pub(crate) const KNOWN_FLAGS: &[&str] = &[
    "unless refractory",
    "constant",
    "shared",
    "linked",
    "constant over dt",
    "event-driven",
    "clock-driven",
    "summed",
    "point current",
];

fn kind_name(kind: EquationKind) -> &'static str {
    match kind {
        EquationKind::Differential => "differential equations",
        EquationKind::Subexpression => "subexpressions",
        EquationKind::Parameter => "parameters",
    }
}

fn quoted_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|f| format!("`{f}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Check `eq`'s flags against `rules`: each must be allowed for the equation's kind, none may
/// repeat, and no two from one incompatible group may be combined.
pub fn validate_flags(eq: &Equation, rules: &FlagRules) -> Result<(), Diagnostics> {
    let allowed = rules.allowed(eq.kind);
    let mut diagnostics = Diagnostics::new();
    for (k, flag) in eq.flags.iter().enumerate() {
        if let Some(first) = eq.flags[..k].iter().find(|f| f.name == flag.name) {
            diagnostics.push(
                Diagnostic::error(
                    "model::invalid_flag",
                    format!("flag `{}` is given twice", flag.name),
                )
                .with_primary(flag.span, "repeated flag")
                .with_secondary(first.span, "first given here"),
            );
            continue;
        }
        if !allowed.contains(&flag.name.as_str()) {
            let help = if allowed.is_empty() {
                format!("{} take no flags here", kind_name(eq.kind))
            } else {
                format!(
                    "flags allowed for {}: {}",
                    kind_name(eq.kind),
                    quoted_list(allowed)
                )
            };
            diagnostics.push(
                Diagnostic::error(
                    "model::invalid_flag",
                    format!(
                        "flag `{}` is not allowed for {} such as `{}`",
                        flag.name,
                        kind_name(eq.kind),
                        eq.name
                    ),
                )
                .with_primary(flag.span, "not allowed here")
                .with_help(help),
            );
        }
    }
    for group in rules.incompatible {
        let present: Vec<_> = eq
            .flags
            .iter()
            .filter(|f| group.contains(&f.name.as_str()))
            .collect();
        if let [first, second, ..] = present.as_slice() {
            diagnostics.push(
                Diagnostic::error(
                    "model::invalid_flag",
                    format!(
                        "flags `{}` and `{}` cannot be combined",
                        first.name, second.name
                    ),
                )
                .with_primary(second.span, "conflicts with the earlier flag")
                .with_secondary(first.span, "earlier flag")
                .with_help(format!("use at most one of {}", quoted_list(group))),
            );
        }
    }
    if diagnostics.is_empty() {
        Ok(())
    } else {
        Err(diagnostics)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parser::parse_equations;
    use crate::span::SourceId;

    fn check(text: &str, rules: &FlagRules) -> Result<(), Vec<String>> {
        let eqs = parse_equations(text, SourceId(0)).unwrap();
        let mut messages = Vec::new();
        for eq in &eqs {
            if let Err(d) = validate_flags(eq, rules) {
                messages.extend(d.iter().map(|d| d.message.clone()));
            }
        }
        if messages.is_empty() {
            Ok(())
        } else {
            Err(messages)
        }
    }

    #[test]
    fn neuron_group_flags() {
        let ok = "dv/dt = -v/tau : volt (unless refractory)\n\
                  I = 2*nA : amp (shared, constant over dt)\n\
                  tau : second (constant, shared)\n\
                  w : 1 (linked)";
        assert_eq!(check(ok, &NEURON_GROUP_FLAGS), Ok(()));
        assert_eq!(
            check("dv/dt = -v/tau : volt (constant)", &NEURON_GROUP_FLAGS),
            Err(vec![
                "flag `constant` is not allowed for differential equations such as `v`".into()
            ])
        );
        assert!(check("x = 1 : 1 (summed)", &NEURON_GROUP_FLAGS).is_err());
        assert!(check("x : 1 (constant, constant)", &NEURON_GROUP_FLAGS).is_err());
    }

    #[test]
    fn synapses_flags() {
        assert_eq!(
            check(
                "dx/dt = -x/tau : 1 (event-driven)\ng_post = w : siemens (summed)\nw : siemens",
                &SYNAPSES_FLAGS
            ),
            Ok(())
        );
        assert_eq!(
            check(
                "dx/dt = -x/tau : 1 (event-driven, clock-driven)",
                &SYNAPSES_FLAGS
            ),
            Err(vec![
                "flags `event-driven` and `clock-driven` cannot be combined".into()
            ])
        );
        assert!(check("g_post = w : siemens (summed, shared)", &SYNAPSES_FLAGS).is_err());
    }
}
