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
    #[serde(default)]
    pub synapses: Table<SynapsesDef>,
    #[serde(default)]
    pub inputs: Table<InputDef>,
    #[serde(default)]
    pub timed_arrays: Table<TimedArrayDef>,
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
    /// How float state variables are stored: `float64` (default) or `float32`.
    #[serde(default)]
    pub float: Option<Spanned<String>>,
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
    /// Counts: integers or dimensionless constants' names (`"N_exc"`).
    pub start: Spanned<toml::Value>,
    pub stop: Spanned<toml::Value>,
}

/// `[synapses.NAME]`: Brian2's `Synapses(source, target, model, on_pre, on_post, ...)`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SynapsesDef {
    pub source: Spanned<String>,
    pub target: Spanned<String>,
    #[serde(default)]
    pub model: Option<Spanned<String>>,
    /// Code for the `pre` pathway, or a table `pathway name = code`.
    #[serde(default)]
    pub on_pre: Option<Spanned<toml::Value>>,
    /// Code for the `post` pathway, or a table `pathway name = code`.
    #[serde(default)]
    pub on_post: Option<Spanned<toml::Value>>,
    /// The triggering event: a name for all pathways, or a table `pathway = event`.
    #[serde(default)]
    pub on_event: Option<Spanned<toml::Value>>,
    /// A duration for the `pre` pathway, or a table `pathway = duration`.
    #[serde(default)]
    pub delay: Option<Spanned<toml::Value>>,
    #[serde(default)]
    pub method: Option<Spanned<String>>,
    #[serde(default)]
    pub multisynaptic_index: Option<Spanned<String>>,
    #[serde(default)]
    pub dt: Option<Spanned<toml::Value>>,
    #[serde(default)]
    pub order: Option<i32>,
    /// One `connect` call (a table) or several (an array of tables), in order.
    #[serde(default)]
    pub connect: OneOrMany<ConnectDef>,
    /// Values set after connecting, as in `[groups.NAME.init]` (`delay` included).
    #[serde(default)]
    pub init: Table<toml::Value>,
}

/// One `connect(...)` call.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectDef {
    #[serde(default)]
    pub condition: Option<Spanned<String>>,
    /// A number or an expression string.
    #[serde(default)]
    pub p: Option<Spanned<toml::Value>>,
    /// A count or an expression string.
    #[serde(default)]
    pub n: Option<Spanned<toml::Value>>,
    /// A list of indices or a generator expression (`"i"`, `"k for k in range(i-3, i+4)"`).
    #[serde(default)]
    pub i: Option<Spanned<toml::Value>>,
    #[serde(default)]
    pub j: Option<Spanned<toml::Value>>,
    #[serde(default)]
    pub skip_if_invalid: Option<bool>,
}

/// `[inputs.NAME]`: a Poisson group, a spike generator or a Poisson input.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputDef {
    /// `poisson_group`, `spike_generator` or `poisson_input`.
    #[serde(rename = "type")]
    pub kind: Spanned<String>,
    /// Group size (`poisson_group`, `spike_generator`) or number of inputs (`poisson_input`).
    #[serde(rename = "N")]
    pub n: Spanned<toml::Value>,
    /// `poisson_group`: a rate, an expression, or one rate per neuron.
    #[serde(default)]
    pub rates: Option<Spanned<toml::Value>>,
    /// `spike_generator`: neuron indices and spike times (inline lists).
    #[serde(default)]
    pub indices: Option<Spanned<toml::Value>>,
    #[serde(default)]
    pub times: Option<Spanned<toml::Value>>,
    /// `spike_generator`: a `.csv` (columns index, time) or `.npy` (shape (n, 2)) file.
    #[serde(default)]
    pub file: Option<Spanned<String>>,
    /// `spike_generator` with `file`: the unit of the times in the file (default `second`).
    #[serde(default)]
    pub time_unit: Option<Spanned<String>>,
    #[serde(default)]
    pub period: Option<Spanned<toml::Value>>,
    /// `poisson_input`: the target group and variable, the rate of each input and its weight.
    #[serde(default)]
    pub target: Option<Spanned<String>>,
    #[serde(default)]
    pub variable: Option<Spanned<String>>,
    #[serde(default)]
    pub rate: Option<Spanned<toml::Value>>,
    #[serde(default)]
    pub weight: Option<Spanned<toml::Value>>,
    #[serde(default)]
    pub dt: Option<Spanned<toml::Value>>,
    #[serde(default)]
    pub when: Option<Spanned<String>>,
    #[serde(default)]
    pub order: Option<i32>,
}

/// `[timed_arrays.NAME]`: Brian2's `TimedArray(values, dt)`, called as `NAME(t)` or
/// `NAME(t, i)` in any code string.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimedArrayDef {
    pub dt: Spanned<toml::Value>,
    /// The unit of the values (default: dimensionless).
    #[serde(default)]
    pub unit: Option<Spanned<String>>,
    /// A list (one value per step) or a list of lists (one row per step, one column per
    /// neuron).
    #[serde(default)]
    pub values: Option<Spanned<toml::Value>>,
    /// A `.npy` (1-D or 2-D) or `.csv` file, relative to the model file.
    #[serde(default)]
    pub file: Option<Spanned<String>>,
}

/// A table or an array of tables (`[x.connect]` or `[[x.connect]]`).
#[derive(Debug)]
pub struct OneOrMany<T>(pub Vec<T>);

impl<T> Default for OneOrMany<T> {
    fn default() -> Self {
        OneOrMany(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Visit<T> {
            type Value = OneOrMany<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a table or an array of tables")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<Self::Value, A::Error> {
                let one = T::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(OneOrMany(vec![one]))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                seq: A,
            ) -> Result<Self::Value, A::Error> {
                let many =
                    Vec::<T>::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))?;
                Ok(OneOrMany(many))
            }
        }
        d.deserialize_any(Visit(std::marker::PhantomData))
    }
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
