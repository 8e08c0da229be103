//! A neuron group's checked description, as the runtime needs it: variables with their flags,
//! the state update statements from the integrator, threshold, reset, refractoriness and
//! custom events. The front end (parse, check, integrate) produces it from user strings; tests
//! and later front ends (Python `Equations` objects) may build it directly.

use crate::lower::Assignment;
use rheobase_lang::{ast, EquationKind, SourceMap, VarType};
use rheobase_units::Dimension;

/// One model variable.
#[derive(Clone, Debug, PartialEq)]
pub struct VarSpec {
    pub name: String,
    pub dim: Dimension,
    pub vtype: VarType,
    pub kind: EquationKind,
    /// The subexpression's definition (`None` otherwise).
    pub expr: Option<ast::Expr>,
    pub shared: bool,
    pub constant: bool,
    pub unless_refractory: bool,
    pub constant_over_dt: bool,
    /// `(linked)`: reads another group's variable once linked (`linked_var`).
    pub linked: bool,
}

impl VarSpec {
    /// A per-element float variable of the given kind.
    pub fn new(name: impl Into<String>, dim: Dimension, kind: EquationKind) -> VarSpec {
        VarSpec {
            name: name.into(),
            dim,
            vtype: VarType::Float,
            kind,
            expr: None,
            shared: false,
            constant: false,
            unless_refractory: false,
            constant_over_dt: false,
            linked: false,
        }
    }
}

/// The refractory period after a spike, checked.
#[derive(Clone, Debug, PartialEq)]
pub enum RefractorySpec {
    None,
    /// A fixed duration in seconds.
    Duration(f64),
    /// An expression giving a duration per neuron (`(1 + rand())*ms`, `tau_ref`).
    DurationExpr(ast::Expr),
    /// A condition under which the neuron stays refractory (`v > -50*mV`).
    Condition(ast::Expr),
}

/// A custom event: its condition and the statements run for the neurons where it holds.
#[derive(Clone, Debug, PartialEq)]
pub struct EventSpec {
    pub name: String,
    pub condition: ast::Expr,
    pub actions: Vec<Assignment>,
}

/// A checked neuron group.
#[derive(Clone, Debug)]
pub struct GroupSpec {
    pub variables: Vec<VarSpec>,
    /// The integrator's statements (not yet including the refractory update).
    pub state_update: Vec<Assignment>,
    pub threshold: Option<ast::Expr>,
    pub reset: Vec<Assignment>,
    pub refractory: RefractorySpec,
    pub events: Vec<EventSpec>,
    /// The user strings the spans point into.
    pub sources: SourceMap,
}

impl GroupSpec {
    pub fn new(variables: Vec<VarSpec>) -> GroupSpec {
        GroupSpec {
            variables,
            state_update: Vec::new(),
            threshold: None,
            reset: Vec::new(),
            refractory: RefractorySpec::None,
            events: Vec::new(),
            sources: SourceMap::new(),
        }
    }
}
