//! Equation flags (`(unless refractory)`, `(constant, shared)`, ...): which are allowed for
//! each kind of equation in each kind of group, as Brian2's `check_flags` calls in
//! `NeuronGroup`, `Synapses` and `SpatialNeuron`.

use crate::ast::{Equation, EquationKind};
use crate::diagnostic::Diagnostics;
use crate::parser::{validate_flags, FlagRules, NEURON_GROUP_FLAGS, SYNAPSES_FLAGS};

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

/// `SpatialNeuron` (Brian2 2.9 `spatialneuron.py`).
pub const SPATIAL_NEURON_FLAGS: FlagRules = FlagRules {
    differential: &["point current"],
    subexpression: &["shared", "point current", "constant over dt"],
    parameter: &["constant", "shared", "linked", "point current"],
    incompatible: &[],
};

impl GroupKind {
    /// The parser's flag rules for this group.
    pub fn flag_rules(self) -> FlagRules {
        match self {
            GroupKind::NeuronGroup => NEURON_GROUP_FLAGS,
            GroupKind::Synapses => SYNAPSES_FLAGS,
            GroupKind::SpatialNeuron => SPATIAL_NEURON_FLAGS,
        }
    }
}

/// The flags Brian2 allows for this kind of equation in this kind of group.
pub fn allowed_flags(group: GroupKind, kind: EquationKind) -> &'static [&'static str] {
    group.flag_rules().allowed(kind)
}

/// A flag as written, with whitespace normalised (`constant  over dt` → `constant over dt`).
pub fn normalise_flag(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Validates one equation's flags for `group` (with the parser's [`validate_flags`]) and
/// returns them as [`VarFlags`].
pub fn var_flags(eq: &Equation, group: GroupKind) -> Result<VarFlags, Diagnostics> {
    let mut normalised = eq.clone();
    for f in &mut normalised.flags {
        f.name = normalise_flag(&f.name);
    }
    validate_flags(&normalised, &group.flag_rules())?;
    let mut flags = VarFlags::default();
    for f in &normalised.flags {
        match f.name.as_str() {
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
    Ok(flags)
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
        let f = var_flags(&e, GroupKind::NeuronGroup).unwrap();
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
        let d = var_flags(&e, GroupKind::NeuronGroup).unwrap_err();
        assert_eq!(d.0[0].code, "model::invalid_flag");
        assert!(d.0[0].message.contains("`summed`"));
        let e = eq(Subexpression, &["summed", "shared"]);
        let d = var_flags(&e, GroupKind::Synapses).unwrap_err();
        assert_eq!(d.0[0].code, "model::invalid_flag");
        let e = eq(Parameter, &["point current"]);
        assert!(
            var_flags(&e, GroupKind::SpatialNeuron)
                .unwrap()
                .point_current
        );
    }
}
