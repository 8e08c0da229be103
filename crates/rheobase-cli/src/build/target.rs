//! What state changes and monitors act on: a group (neuron, input or sub-group) or synapses.

use rheobase::runtime::{
    NeuronGroup, Record, Result, StateMonitor, StateMonitorOptions, Synapses, VariableInfo,
};
use rheobase::units::Dimension;

/// A group or synapses, by handle.
#[derive(Clone, Debug)]
pub enum Target {
    Group(NeuronGroup),
    Synapses(Synapses),
}

impl Target {
    pub fn name(&self) -> &str {
        match self {
            Target::Group(g) => g.name(),
            Target::Synapses(s) => s.name(),
        }
    }

    /// Neurons, or synapses made so far.
    pub fn len(&self) -> usize {
        match self {
            Target::Group(g) => g.len(),
            Target::Synapses(s) => s.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn variable_info(&self, var: &str) -> Option<VariableInfo> {
        match self {
            Target::Group(g) => g.variable_info(var),
            Target::Synapses(s) => s.variable_info(var),
        }
    }

    /// User-visible variable names.
    pub fn variables(&self) -> Vec<String> {
        let mut v = match self {
            Target::Group(g) => g.variables(),
            Target::Synapses(s) => s.variables(),
        };
        v.retain(|n| !n.starts_with('_'));
        v
    }

    /// The dimension of a variable; `None` when there is no such variable.
    pub fn dimension(&self, var: &str) -> Option<Dimension> {
        self.variable_info(var).map(|info| info.dim)
    }

    pub fn set(&self, var: &str, value: f64) -> Result<()> {
        match self {
            Target::Group(g) => g.set(var, value),
            Target::Synapses(s) => s.set(var, value),
        }
    }

    pub fn set_values(&self, var: &str, values: &[f64]) -> Result<()> {
        match self {
            Target::Group(g) => g.set_values(var, values),
            Target::Synapses(s) => s.set_values(var, values),
        }
    }

    pub fn set_expr(&self, var: &str, code: &str) -> Result<()> {
        match self {
            Target::Group(g) => g.set_expr(var, code),
            Target::Synapses(s) => s.set_expr(var, code),
        }
    }

    pub fn state_monitor(
        &self,
        variables: &[&str],
        record: Record,
        options: StateMonitorOptions,
    ) -> Result<StateMonitor> {
        match self {
            Target::Group(g) => StateMonitor::new(g, variables, record, options),
            Target::Synapses(s) => s.state_monitor(variables, record, options),
        }
    }
}
