//! The TOML model format as serde types (see docs/model-files.md for the reference).
//!
//! Fields that can hold a number, a quantity string, an expression or a list keep the raw
//! `toml::Value` with its span; [`crate::model::values`] interprets them, so that each error
//! points at the value in the file.

use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;

pub type Table<T> = IndexMap<String, Spanned<T>>;

/// A whole model file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    #[serde(default)]
    pub simulation: Option<Spanned<Simulation>>,
    /// Named constants: numbers or quantity strings (`tau = "10 ms"`, `tau2 = "2*tau"`).
    #[serde(default)]
    pub constants: Table<toml::Value>,
    #[serde(default)]
    pub groups: Table<Group>,
    #[serde(default)]
    pub subgroups: Table<SubgroupDef>,
    /// Synapses, inputs and timed arrays: kept raw until the runtime builds them.
    #[serde(default)]
    pub synapses: Table<toml::Value>,
    #[serde(default)]
    pub inputs: Table<toml::Value>,
    #[serde(default)]
    pub timed_arrays: Table<toml::Value>,
    #[serde(default)]
    pub monitors: Table<Monitor>,
    #[serde(default)]
    pub runs: Vec<Spanned<RunStep>>,
}

/// `[simulation]`: the default clock, the seed and the backend.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Simulation {
    /// A free-text title, copied into `summary.json`.
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub dt: Option<Spanned<toml::Value>>,
    #[serde(default)]
    pub seed: Option<Spanned<i64>>,
    /// `jit` (default) or `interpreter`.
    #[serde(default)]
    pub backend: Option<Spanned<String>>,
}

/// `[groups.NAME]`: a `NeuronGroup`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    #[serde(rename = "N")]
    pub n: Spanned<toml::Value>,
    pub equations: Spanned<String>,
    #[serde(default)]
    pub method: Option<Spanned<String>>,
    #[serde(default)]
    pub threshold: Option<Spanned<String>>,
    #[serde(default)]
    pub reset: Option<Spanned<String>>,
    /// A duration (`"2 ms"`), an expression (`"(1 + rand())*ms"`), a condition
    /// (`"v > -50*mV"`) or `false`.
    #[serde(default)]
    pub refractory: Option<Spanned<toml::Value>>,
    #[serde(default)]
    pub dt: Option<Spanned<toml::Value>>,
    #[serde(default)]
    pub order: Option<i32>,
    #[serde(default)]
    pub events: Table<EventDef>,
    /// Initial values: numbers, quantity strings, expressions or one value per neuron.
    #[serde(default)]
    pub init: Table<toml::Value>,
}

/// `[groups.NAME.events.EVENT]`: a custom event.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventDef {
    pub condition: Spanned<String>,
    #[serde(default)]
    pub action: Option<Spanned<String>>,
}

/// `[subgroups.NAME]`: neurons `start..stop` of a group (Brian2's `G[start:stop]`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubgroupDef {
    pub group: Spanned<String>,
    pub start: Spanned<i64>,
    pub stop: Spanned<i64>,
}

/// `[monitors.NAME]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Monitor {
    /// `spike`, `event`, `state` or `rate`.
    #[serde(rename = "type")]
    pub kind: Spanned<String>,
    pub source: Spanned<String>,
    /// State monitors: the variables to record; spike and event monitors: the variables to
    /// record at each event.
    #[serde(default)]
    pub variables: Vec<Spanned<String>>,
    /// State monitors: `true` (every neuron) or a list of indices; spike and event monitors:
    /// `false` to only count.
    #[serde(default)]
    pub record: Option<Spanned<toml::Value>>,
    /// Event monitors: the event's name.
    #[serde(default)]
    pub event: Option<Spanned<String>>,
    /// State monitors: the sampling interval (default: the source's dt).
    #[serde(default)]
    pub dt: Option<Spanned<toml::Value>>,
    /// Whether `--plot` draws this monitor (default true).
    #[serde(default)]
    pub plot: Option<bool>,
}

/// `[[runs]]`: one `run(duration)` with the state changes made before it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunStep {
    pub duration: Spanned<toml::Value>,
    /// `"group.variable" = value` (a number, a quantity string, an expression or a list).
    #[serde(default)]
    pub set: Table<toml::Value>,
    /// `monitor_or_group_object = false` deactivates an object for this run and later ones.
    #[serde(default)]
    pub active: Table<bool>,
}
