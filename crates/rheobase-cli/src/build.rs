//! Builds a `Network` from a model file: constants, timed arrays, groups and subgroups,
//! inputs ([`inputs`]), synapses ([`synapses`]), monitors and the plan of runs. Every problem is collected as a diagnostic against the file, so that
//! `rheobase check` reports all of them at once.

mod inputs;
mod synapses;
pub mod target;

pub use synapses::BuiltSynapses;
pub use target::Target;

use crate::error::CliError;
use crate::model::schema::{self, Document};
use crate::model::source::ModelSource;
use crate::model::values::{self, kind};
use crate::model::ModelFile;
use indexmap::IndexMap;
use rheobase::lang::{Diagnostic, Diagnostics, SourceMap};
use rheobase::runtime::{
    interpreter, EventDefinition, EventMonitor, EventMonitorOptions, FloatType, Network,
    NeuronGroup, NeuronGroupOptions, PopulationRateMonitor, Record, Refractory, RuntimeError,
    StateMonitor, StateMonitorOptions, TimedArray,
};
use rheobase::units::{Dimension, Quantity};
use std::collections::HashMap;
use std::ops::Range;
use toml::Spanned;

/// A group as built, with what `show` prints about it.
pub struct BuiltGroup {
    pub group: NeuronGroup,
    /// `NeuronGroup`, `PoissonGroup` or `SpikeGeneratorGroup` (a subgroup: its parent's).
    pub kind: &'static str,
    pub equations: String,
    pub method: Option<String>,
    pub refractory: bool,
    /// `None` for a subgroup.
    pub parent: Option<String>,
}

pub enum MonitorKind {
    Spike {
        monitor: EventMonitor,
        variables: Vec<String>,
        record: bool,
    },
    State {
        monitor: StateMonitor,
        variables: Vec<String>,
        indices: Vec<usize>,
    },
    Rate {
        monitor: PopulationRateMonitor,
    },
}

pub struct BuiltMonitor {
    pub name: String,
    pub source: String,
    pub source_n: usize,
    pub kind: MonitorKind,
    /// The unit of each recorded variable (SI, as text), for `summary.json`.
    pub units: IndexMap<String, String>,
    pub plot: bool,
}

/// A change of state made before a run.
pub struct SetAction {
    pub target: Target,
    pub variable: String,
    pub value: Spanned<toml::Value>,
}

pub struct RunPlan {
    pub duration: f64,
    pub sets: Vec<SetAction>,
    pub active: Vec<(String, bool, Range<usize>)>,
    /// The `[[runs]]` entry, for errors while running.
    pub at: Range<usize>,
}

pub struct Built {
    pub net: Network,
    pub constants: HashMap<String, Quantity>,
    pub groups: IndexMap<String, BuiltGroup>,
    pub synapses: IndexMap<String, BuiltSynapses>,
    pub monitors: Vec<BuiltMonitor>,
    pub runs: Vec<RunPlan>,
    /// The seed used (the command line's, the model's, or a fresh one).
    pub seed: u64,
    pub title: Option<String>,
    /// Where the file's strings are, for errors found while running.
    pub source: ModelSource,
}

/// Options from the command line that change the model.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    /// `--set name=value`: replaces constants.
    pub constants: Vec<(String, String)>,
    /// Use the reference interpreter instead of the JIT.
    pub interpreter: bool,
    /// `--seed`: replaces the model's seed.
    pub seed: Option<u64>,
}

struct Builder<'a> {
    doc: &'a Document,
    source: ModelSource,
    sources: SourceMap,
    errors: Diagnostics,
    constants: HashMap<String, Quantity>,
    /// `[timed_arrays]`, callable from every code string.
    timed_arrays: HashMap<String, TimedArray>,
    /// The model file's folder, where data files are looked up.
    dir: std::path::PathBuf,
    /// Groups that failed to build: what refers to them is skipped without more errors.
    failed: std::collections::HashSet<String>,
}

/// Builds everything; all problems come back together.
pub fn build(model: &ModelFile, overrides: &Overrides) -> Result<Built, CliError> {
    let mut b = Builder {
        doc: &model.doc,
        source: model.source.clone(),
        sources: model.source.sources.clone(),
        errors: Diagnostics::new(),
        constants: HashMap::new(),
        timed_arrays: HashMap::new(),
        dir: model.dir.clone(),
        failed: Default::default(),
    };
    b.constants(overrides);
    let doc = &model.doc;
    let simulation = doc.simulation.as_ref().map(|s| s.get_ref());
    let use_interpreter = overrides.interpreter
        || simulation
            .and_then(|s| s.backend.as_ref())
            .is_some_and(|name| b.backend_is_interpreter(name));
    let net = if use_interpreter {
        Network::with_backend(interpreter())
    } else {
        Network::new()
    };
    if let Some(name) = simulation.and_then(|s| s.float.as_ref()) {
        if let Some(float_type) = b.float_type(name) {
            net.set_float_type(float_type);
        }
    }
    if let Some(dt) = simulation.and_then(|s| s.dt.as_ref()) {
        if let Some(dt) = b.duration(dt, "dt") {
            if let Err(e) = net.set_default_dt(dt) {
                b.runtime(&e, dt_span(simulation));
            }
        }
    }
    let model_seed = simulation.and_then(|s| s.seed.as_ref()).and_then(|s| {
        u64::try_from(*s.get_ref()).ok().or_else(|| {
            b.fail("io::model_file", "the seed must not be negative", s.span());
            None
        })
    });
    // Seeded before any initial value is drawn.
    let seed = overrides.seed.or(model_seed).unwrap_or_else(random_seed);
    net.seed(seed);
    b.timed_arrays();
    let mut groups = IndexMap::new();
    for (name, group) in &doc.groups {
        match b.group(&net, name, group) {
            Some(g) => {
                groups.insert(name.clone(), g);
            }
            None => {
                b.failed.insert(name.clone());
            }
        }
    }
    b.input_groups(&net, &mut groups);
    for (name, sub) in &doc.subgroups {
        match b.subgroup(name, sub, &groups) {
            Some(g) => {
                groups.insert(name.clone(), g);
            }
            None => {
                b.failed.insert(name.clone());
            }
        }
    }
    let mut synapses = IndexMap::new();
    for (name, def) in &doc.synapses {
        match b.synapses(name, def, &groups) {
            Some(s) => {
                synapses.insert(name.clone(), s);
            }
            None => {
                b.failed.insert(name.clone());
            }
        }
    }
    b.poisson_inputs(&groups);
    let mut monitors = Vec::new();
    for (name, m) in &doc.monitors {
        if let Some(m) = b.monitor(name, m, &groups, &synapses) {
            monitors.push(m);
        }
    }
    let runs = b.runs(&groups, &synapses);
    if b.errors.has_errors() {
        return Err(CliError::model(b.sources, b.errors));
    }
    Ok(Built {
        net,
        constants: b.constants,
        groups,
        synapses,
        monitors,
        runs,
        seed,
        title: simulation.and_then(|s| s.title.clone()),
        source: b.source,
    })
}

fn dt_span(simulation: Option<&schema::Simulation>) -> Range<usize> {
    simulation
        .and_then(|s| s.dt.as_ref())
        .map(|d| d.span())
        .unwrap_or(0..0)
}

/// Names usable as file names and in messages: letters, digits and `_`, not starting with a
/// digit (Brian2's identifiers).
fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl Builder<'_> {
    fn fail(&mut self, code: &'static str, message: impl Into<String>, at: Range<usize>) {
        let d = self.source.error(code, message, at, "here");
        self.errors.push(d);
    }

    fn runtime(&mut self, e: &RuntimeError, at: Range<usize>) {
        let (sources, diags) = self.source.runtime_error(e, at);
        self.merge(sources, diags);
    }

    fn backend_is_interpreter(&mut self, name: &Spanned<String>) -> bool {
        match name.get_ref().as_str() {
            "jit" => false,
            "interpreter" => true,
            other => {
                let message = format!("unknown backend '{other}' (use \"jit\" or \"interpreter\")");
                self.fail("io::model_file", message, name.span());
                false
            }
        }
    }

    fn float_type(&mut self, name: &Spanned<String>) -> Option<FloatType> {
        match name.get_ref().as_str() {
            "float64" => Some(FloatType::F64),
            "float32" => Some(FloatType::F32),
            other => {
                let message =
                    format!("unknown float type '{other}' (use \"float64\" or \"float32\")");
                self.fail("io::model_file", message, name.span());
                None
            }
        }
    }

    fn duration(&mut self, value: &Spanned<toml::Value>, what: &str) -> Option<f64> {
        match values::duration(value.get_ref(), &self.constants) {
            Ok(t) => Some(t),
            Err(m) => {
                self.fail("io::invalid_quantity", format!("{what}: {m}"), value.span());
                None
            }
        }
    }

    /// Evaluates `[constants]` in any order (a constant may use others), with `--set`
    /// replacing values.
    fn constants(&mut self, overrides: &Overrides) {
        let doc = self.doc;
        let mut pending: Vec<(String, toml::Value, Range<usize>)> = Vec::new();
        for (name, value) in &doc.constants {
            pending.push((name.clone(), value.get_ref().clone(), value.span()));
        }
        for (name, text) in &overrides.constants {
            match pending.iter_mut().find(|(n, _, _)| n == name) {
                Some(entry) => entry.1 = toml::Value::String(text.clone()),
                None => {
                    self.errors.push(Diagnostic::error(
                        "io::model_file",
                        format!("--set {name}=...: the model has no constant '{name}'"),
                    ));
                }
            }
        }
        for (name, _, span) in &pending {
            if !valid_name(name) {
                self.fail(
                    "io::model_file",
                    format!("'{name}' is not a valid constant name"),
                    span.clone(),
                );
            }
        }
        loop {
            let before = pending.len();
            let mut left = Vec::new();
            for (name, value, span) in pending {
                match values::quantity(&value, &self.constants) {
                    Ok(q) => {
                        self.constants.insert(name, q);
                    }
                    Err(m) => left.push((name, value, span, m)),
                }
            }
            if left.is_empty() {
                break;
            }
            if left.len() == before {
                for (name, _, span, m) in left {
                    let message = format!("constant '{name}': {m}");
                    self.fail("io::invalid_quantity", message, span);
                }
                break;
            }
            pending = left.into_iter().map(|(n, v, s, _)| (n, v, s)).collect();
        }
    }

    fn register(&mut self, s: &Spanned<String>) -> String {
        self.source.register_string(s.get_ref(), s.span());
        s.get_ref().clone()
    }

    fn group(
        &mut self,
        net: &Network,
        name: &str,
        def: &Spanned<schema::Group>,
    ) -> Option<BuiltGroup> {
        let g = def.get_ref();
        if !valid_name(name) {
            let message = format!("'{name}' is not a valid group name");
            self.fail("io::model_file", message, def.span());
            return None;
        }
        let n = match values::count(g.n.get_ref(), &self.constants) {
            Ok(n) => n,
            Err(m) => {
                self.fail("io::model_file", format!("N: {m}"), g.n.span());
                return None;
            }
        };
        let equations = self.register(&g.equations);
        let mut options = NeuronGroupOptions {
            name: Some(name.to_string()),
            namespace: self.constants.clone(),
            functions: self.timed_arrays.clone(),
            order: g.order.unwrap_or(0),
            ..Default::default()
        };
        options.method = g.method.as_ref().map(|m| m.get_ref().clone());
        options.threshold = g.threshold.as_ref().map(|t| self.register(t));
        options.reset = g.reset.as_ref().map(|r| self.register(r));
        if let Some(r) = &g.refractory {
            options.refractory = self.refractory(r)?;
        }
        if let Some(dt) = &g.dt {
            options.dt = Some(self.duration(dt, "dt")?);
        }
        for (event, e) in &g.events {
            let e = e.get_ref();
            options.events.push(EventDefinition {
                name: event.clone(),
                condition: self.register(&e.condition),
                action: e.action.as_ref().map(|a| self.register(a)),
            });
        }
        let refractory = options.refractory != Refractory::None;
        let method = options.method.clone();
        let group = match NeuronGroup::new(net, n, &equations, options) {
            Ok(group) => group,
            Err(e) => {
                self.runtime(&e, g.equations.span());
                return None;
            }
        };
        self.init(&Target::Group(group.clone()), &g.init)?;
        Some(BuiltGroup {
            group,
            kind: "NeuronGroup",
            equations,
            method,
            refractory,
            parent: None,
        })
    }

    /// Diagnostics built against another copy of the sources, moved into ours.
    fn merge(&mut self, sources: SourceMap, diags: Diagnostics) {
        for mut d in diags.0 {
            for l in &mut d.labels {
                if l.span.src != self.source.file {
                    let src = sources.get(l.span.src).expect("source of a label");
                    l.span.src = self.sources.add(src.name.clone(), src.text.clone());
                }
            }
            self.errors.push(d);
        }
    }

    fn refractory(&mut self, r: &Spanned<toml::Value>) -> Option<Refractory> {
        match r.get_ref() {
            toml::Value::Boolean(false) => Some(Refractory::None),
            toml::Value::String(text) => {
                // A constant duration, else an expression or condition for the engine.
                match values::duration(r.get_ref(), &self.constants) {
                    Ok(t) => Some(Refractory::Duration(t)),
                    Err(_) => {
                        self.source.register_string(text, r.span());
                        Some(Refractory::Expression(text.clone()))
                    }
                }
            }
            other => {
                let message = format!(
                    "refractory must be a duration (\"2 ms\"), an expression or condition string, or false; found {}",
                    kind(other)
                );
                self.fail("io::model_file", message, r.span());
                None
            }
        }
    }

    /// Applies `init` values in the order written.
    fn init(&mut self, target: &Target, init: &schema::Table<toml::Value>) -> Option<()> {
        for (var, value) in init {
            self.check_variable(target, var, value.span())?;
            if let Err((sources, diags)) =
                apply(&mut self.source, target, var, value, &self.constants)
            {
                self.merge(sources, diags);
            }
        }
        Some(())
    }

    fn check_variable(&mut self, target: &Target, var: &str, at: Range<usize>) -> Option<()> {
        if target.variable_info(var).is_some() {
            return Some(());
        }
        let what = match target {
            Target::Group(_) => "group",
            Target::Synapses(_) => "synapses",
        };
        let message = format!(
            "{what} '{}' has no variable '{var}' (it has: {})",
            target.name(),
            target.variables().join(", ")
        );
        self.fail("model::undefined_identifier", message, at);
        None
    }

    fn find_group<'g>(
        &mut self,
        groups: &'g IndexMap<String, BuiltGroup>,
        name: &Spanned<String>,
    ) -> Option<&'g BuiltGroup> {
        let found = groups.get(name.get_ref());
        if found.is_none() && !self.failed.contains(name.get_ref()) {
            let known: Vec<&str> = groups.keys().map(String::as_str).collect();
            let message = format!(
                "no group or subgroup named '{}' (the model has: {})",
                name.get_ref(),
                known.join(", ")
            );
            self.fail("io::model_file", message, name.span());
        }
        found
    }

    /// A monitor's source: a group, subgroup, input group or synapses.
    fn find_target(
        &mut self,
        groups: &IndexMap<String, BuiltGroup>,
        synapses: &IndexMap<String, BuiltSynapses>,
        name: &Spanned<String>,
    ) -> Option<Target> {
        if let Some(g) = groups.get(name.get_ref()) {
            return Some(Target::Group(g.group.clone()));
        }
        if let Some(s) = synapses.get(name.get_ref()) {
            return Some(Target::Synapses(s.synapses.clone()));
        }
        if !self.failed.contains(name.get_ref()) {
            let known: Vec<&str> = groups
                .keys()
                .chain(synapses.keys())
                .map(String::as_str)
                .collect();
            let message = format!(
                "no group, subgroup or synapses named '{}' (the model has: {})",
                name.get_ref(),
                known.join(", ")
            );
            self.fail("io::model_file", message, name.span());
        }
        None
    }

    fn subgroup(
        &mut self,
        name: &str,
        def: &Spanned<schema::SubgroupDef>,
        groups: &IndexMap<String, BuiltGroup>,
    ) -> Option<BuiltGroup> {
        let s = def.get_ref();
        if !valid_name(name) || groups.contains_key(name) {
            let message = format!("'{name}' is not a valid, unused subgroup name");
            self.fail("io::model_file", message, def.span());
            return None;
        }
        let parent = self.find_group(groups, &s.group)?;
        let bound =
            |b: &mut Self, v: &Spanned<toml::Value>| match values::count(v.get_ref(), &b.constants)
            {
                Ok(k) => Some(k as i64),
                Err(m) => {
                    b.fail("io::model_file", m, v.span());
                    None
                }
            };
        let (start, stop) = (bound(self, &s.start)?, bound(self, &s.stop)?);
        let n = parent.group.len() as i64;
        if !(0 <= start && start < stop && stop <= n) {
            let message =
                format!("a subgroup needs 0 <= start < stop <= N = {n}, found {start}..{stop}");
            self.fail(
                "io::model_file",
                message,
                s.start.span().start..s.stop.span().end,
            );
            return None;
        }
        match parent.group.subgroup(start as usize..stop as usize) {
            Ok(group) => Some(BuiltGroup {
                group,
                kind: parent.kind,
                equations: parent.equations.clone(),
                method: parent.method.clone(),
                refractory: parent.refractory,
                parent: Some(s.group.get_ref().clone()),
            }),
            Err(e) => {
                self.runtime(&e, def.span());
                None
            }
        }
    }

    fn monitor(
        &mut self,
        name: &str,
        def: &Spanned<schema::Monitor>,
        groups: &IndexMap<String, BuiltGroup>,
        synapses: &IndexMap<String, BuiltSynapses>,
    ) -> Option<BuiltMonitor> {
        let m = def.get_ref();
        if !valid_name(name) {
            let message =
                format!("'{name}' is not a valid monitor name (it names the output file)");
            self.fail("io::model_file", message, def.span());
            return None;
        }
        let target = self.find_target(groups, synapses, &m.source)?;
        let variables: Vec<String> = m.variables.iter().map(|v| v.get_ref().clone()).collect();
        for v in &m.variables {
            self.check_variable(&target, v.get_ref(), v.span())?;
        }
        let mut units = IndexMap::new();
        for v in &variables {
            if let Some(dim) = target.dimension(v) {
                units.insert(v.clone(), unit_text(dim));
            }
        }
        let group = match &target {
            Target::Group(g) => Some(g.clone()),
            Target::Synapses(_) => None,
        };
        let kind_name = m.kind.get_ref().as_str();
        if group.is_none() && kind_name != "state" {
            let message = format!(
                "synapses can only have state monitors (type = \"state\"), not '{kind_name}'"
            );
            self.fail("io::model_file", message, m.kind.span());
            return None;
        }
        let kind = match kind_name {
            "spike" | "event" => {
                let record = match &m.record {
                    None => true,
                    Some(r) => match r.get_ref() {
                        toml::Value::Boolean(b) => *b,
                        other => {
                            let message = format!(
                                "record must be true or false for a spike monitor, found {}",
                                kind(other)
                            );
                            self.fail("io::model_file", message, r.span());
                            return None;
                        }
                    },
                };
                let options = EventMonitorOptions {
                    variables: variables.clone(),
                    record,
                    name: Some(name.to_string()),
                    ..Default::default()
                };
                let group = group.expect("checked above");
                let made = if m.kind.get_ref() == "spike" {
                    EventMonitor::spikes(&group, options)
                } else {
                    let Some(event) = &m.event else {
                        self.fail(
                            "io::model_file",
                            "an event monitor needs `event = \"name\"`",
                            def.span(),
                        );
                        return None;
                    };
                    EventMonitor::event(&group, event.get_ref(), options)
                };
                match made {
                    Ok(monitor) => MonitorKind::Spike {
                        monitor,
                        variables,
                        record,
                    },
                    Err(e) => {
                        self.runtime(&e, def.span());
                        return None;
                    }
                }
            }
            "state" => {
                if variables.is_empty() {
                    self.fail(
                        "io::model_file",
                        "a state monitor needs `variables = [...]`",
                        def.span(),
                    );
                    return None;
                }
                let indices = self.record_indices(m.record.as_ref(), target.len())?;
                let mut options = StateMonitorOptions {
                    name: Some(name.to_string()),
                    ..Default::default()
                };
                if let Some(dt) = &m.dt {
                    options.dt = Some(self.duration(dt, "dt")?);
                }
                let vars: Vec<&str> = variables.iter().map(String::as_str).collect();
                match target.state_monitor(&vars, Record::Indices(indices.clone()), options) {
                    Ok(monitor) => MonitorKind::State {
                        monitor,
                        variables,
                        indices,
                    },
                    Err(e) => {
                        self.runtime(&e, def.span());
                        return None;
                    }
                }
            }
            "rate" => {
                match PopulationRateMonitor::new(&group.expect("checked above"), Some(name)) {
                    Ok(monitor) => {
                        units.insert("rate".into(), "Hz".into());
                        MonitorKind::Rate { monitor }
                    }
                    Err(e) => {
                        self.runtime(&e, def.span());
                        return None;
                    }
                }
            }
            other => {
                let message =
                    format!("unknown monitor type '{other}' (use spike, event, state or rate)");
                self.fail("io::model_file", message, m.kind.span());
                return None;
            }
        };
        Some(BuiltMonitor {
            name: name.to_string(),
            source: m.source.get_ref().clone(),
            source_n: target.len(),
            kind,
            units,
            plot: m.plot.unwrap_or(true),
        })
    }

    fn record_indices(
        &mut self,
        record: Option<&Spanned<toml::Value>>,
        n: usize,
    ) -> Option<Vec<usize>> {
        let Some(r) = record else {
            return Some((0..n).collect());
        };
        let bad = |b: &mut Self, m: String| {
            b.fail("io::model_file", m, r.span());
            None
        };
        match r.get_ref() {
            toml::Value::Boolean(true) => Some((0..n).collect()),
            toml::Value::Integer(k) if (0..n as i64).contains(k) => Some(vec![*k as usize]),
            toml::Value::Array(items) => {
                let mut out = Vec::new();
                for item in items {
                    match item.as_integer() {
                        Some(k) if (0..n as i64).contains(&k) => out.push(k as usize),
                        _ => {
                            return bad(self, format!("record indices must be integers in 0..{n}"))
                        }
                    }
                }
                Some(out)
            }
            other => bad(
                self,
                format!(
                    "record must be true or a list of indices in 0..{n}, found {}",
                    kind(other)
                ),
            ),
        }
    }

    fn runs(
        &mut self,
        groups: &IndexMap<String, BuiltGroup>,
        synapses: &IndexMap<String, BuiltSynapses>,
    ) -> Vec<RunPlan> {
        let doc = self.doc;
        if doc.runs.is_empty() {
            self.errors.push(Diagnostic::error(
                "io::model_file",
                "the model has no runs: add `[[runs]]` with `duration = \"100 ms\"`",
            ));
        }
        let mut plans = Vec::new();
        for step in &doc.runs {
            let s = step.get_ref();
            let Some(duration) = self.duration(&s.duration, "duration") else {
                continue;
            };
            let mut sets = Vec::new();
            for (target, value) in &s.set {
                let Some((group_name, variable)) = target.split_once('.') else {
                    let message = format!("set keys are \"group.variable\", found '{target}'");
                    self.fail("io::model_file", message, value.span());
                    continue;
                };
                let target = match (groups.get(group_name), synapses.get(group_name)) {
                    (Some(g), _) => Target::Group(g.group.clone()),
                    (None, Some(s)) => Target::Synapses(s.synapses.clone()),
                    (None, None) => {
                        if !self.failed.contains(group_name) {
                            let message =
                                format!("no group, subgroup or synapses named '{group_name}'");
                            self.fail("io::model_file", message, value.span());
                        }
                        continue;
                    }
                };
                if self
                    .check_variable(&target, variable, value.span())
                    .is_none()
                {
                    continue;
                }
                if let toml::Value::String(text) = value.get_ref() {
                    self.source.register_string(text, value.span());
                }
                sets.push(SetAction {
                    target,
                    variable: variable.to_string(),
                    value: value.clone(),
                });
            }
            let active = s
                .active
                .iter()
                .map(|(name, on)| (name.clone(), *on.get_ref(), on.span()))
                .collect();
            plans.push(RunPlan {
                duration,
                sets,
                active,
                at: s.duration.span(),
            });
        }
        plans
    }
}

/// A seed from the clock and the process id, recorded in `summary.json` to reproduce the run.
fn random_seed() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    (nanos ^ (std::process::id() as u64).rotate_left(32)) % (1 << 31)
}

/// A dimension as SI unit text for `summary.json` and plots: the unscaled unit's symbol
/// when it has one (`V`, `S`, `A`), else base units (`m^2 kg s^-3 A^-1`), `1` when
/// dimensionless.
pub fn unit_text(dim: Dimension) -> String {
    rheobase::units::display::dimension_unit_string(&dim)
}

/// Sets a variable from a file value: a number (dimensionless variables), a quantity string
/// of the variable's dimension, an expression string, or a list with one value per neuron.
pub fn apply(
    source: &mut ModelSource,
    group: &Target,
    var: &str,
    value: &Spanned<toml::Value>,
    constants: &HashMap<String, Quantity>,
) -> Result<(), (SourceMap, Diagnostics)> {
    let at = value.span();
    let fail = |source: &ModelSource, m: String| {
        let d = source.error("io::invalid_quantity", m, at.clone(), "here");
        Err((source.sources.clone(), Diagnostics::from(d)))
    };
    let Some(dim) = group.dimension(var) else {
        let message = format!("'{}' has no variable '{var}'", group.name());
        return fail(source, message);
    };
    let result = match value.get_ref() {
        toml::Value::String(text) => match values::quantity_text(text, constants) {
            Ok(q) if q.dim == dim => group.set(var, q.value),
            Ok(q) => {
                return fail(
                    source,
                    format!("'{var}' is in {}, but this value is {q}", unit_text(dim)),
                );
            }
            Err(_) => {
                source.register_string(text, at.clone());
                group.set_expr(var, text)
            }
        },
        toml::Value::Boolean(b) => group.set(var, if *b { 1.0 } else { 0.0 }),
        toml::Value::Array(items) => {
            let mut list = Vec::with_capacity(items.len());
            for item in items {
                match values::quantity_of(item, constants, dim, var) {
                    Ok(x) => list.push(x),
                    Err(m) => return fail(source, m),
                }
            }
            group.set_values(var, &list)
        }
        other => match values::quantity_of(other, constants, dim, var) {
            Ok(x) => group.set(var, x),
            Err(m) => {
                return fail(
                    source,
                    format!("{m} (write units in a string, e.g. \"-70 mV\")"),
                )
            }
        },
    };
    result.map_err(|e| source.runtime_error(&e, at))
}
