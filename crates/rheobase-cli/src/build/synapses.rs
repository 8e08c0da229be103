//! `[synapses.NAME]`: Brian2's `Synapses` with its pathways, delays, `connect` calls and
//! initial values.

use super::{valid_name, Builder, BuiltGroup, Target};
use crate::model::schema::{ConnectDef, SynapsesDef};
use crate::model::values::{self, kind};
use indexmap::IndexMap;
use rheobase::runtime::{
    Connect, ConnectIndices, Delay, NumberOrExpr, OnEvent, PathwayCode, Synapses, SynapsesOptions,
};
use std::ops::Range;
use toml::Spanned;

/// Synapses as built.
pub struct BuiltSynapses {
    pub synapses: Synapses,
    pub source: String,
    pub target: String,
}

impl Builder<'_> {
    pub(super) fn synapses(
        &mut self,
        name: &str,
        def: &Spanned<SynapsesDef>,
        groups: &IndexMap<String, BuiltGroup>,
    ) -> Option<BuiltSynapses> {
        let d = def.get_ref();
        if !valid_name(name) || groups.contains_key(name) {
            let message = format!("'{name}' is not a valid, unused synapses name");
            self.fail("io::model_file", message, def.span());
            return None;
        }
        let source = self.find_group(groups, &d.source);
        let target = self.find_group(groups, &d.target);
        let (source, target) = (source?.group.clone(), target?.group.clone());
        let model = d
            .model
            .as_ref()
            .map(|m| self.register(m))
            .unwrap_or_default();
        let mut options = SynapsesOptions {
            name: Some(name.to_string()),
            namespace: self.constants.clone(),
            functions: self.timed_arrays.clone(),
            order: d.order.unwrap_or(0),
            method: d.method.as_ref().map(|m| m.get_ref().clone()),
            multisynaptic_index: d.multisynaptic_index.as_ref().map(|m| m.get_ref().clone()),
            ..Default::default()
        };
        options.on_pre = self.pathway_code(d.on_pre.as_ref(), "on_pre")?;
        options.on_post = self.pathway_code(d.on_post.as_ref(), "on_post")?;
        if let Some(e) = &d.on_event {
            options.on_event = self.on_event(e)?;
        }
        // A delay that is not one duration is an expression per synapse, set after connecting.
        let mut delay_expr = None;
        if let Some(delay) = &d.delay {
            match self.delay(delay)? {
                Ok(delay) => options.delay = delay,
                Err(text) => delay_expr = Some((text, delay.span())),
            }
        }
        if let Some(dt) = &d.dt {
            options.dt = Some(self.duration(dt, "dt")?);
        }
        let synapses = match Synapses::new(&source, &target, &model, options) {
            Ok(s) => s,
            Err(e) => {
                let at = d.model.as_ref().map(|m| m.span()).unwrap_or(def.span());
                self.runtime(&e, at);
                return None;
            }
        };
        for c in &d.connect.0 {
            let at = connect_span(c).unwrap_or(def.span());
            let args = self.connect_args(c)?;
            if let Err(e) = synapses.connect(args) {
                self.runtime(&e, at);
                return None;
            }
        }
        let handle = Target::Synapses(synapses.clone());
        if let Some((text, at)) = delay_expr {
            if let Err(e) = synapses.set_expr("delay", &text) {
                self.runtime(&e, at);
                return None;
            }
        }
        self.init(&handle, &d.init)?;
        Some(BuiltSynapses {
            synapses,
            source: d.source.get_ref().clone(),
            target: d.target.get_ref().clone(),
        })
    }

    /// `on_pre = "code"` or `on_pre = { name = "code", ... }` (named pathways).
    fn pathway_code(
        &mut self,
        code: Option<&Spanned<toml::Value>>,
        key: &str,
    ) -> Option<PathwayCode> {
        let Some(code) = code else {
            return Some(PathwayCode::None);
        };
        match code.get_ref() {
            toml::Value::String(text) => {
                self.source.register_string(text, code.span());
                Some(PathwayCode::Code(text.clone()))
            }
            toml::Value::Table(paths) => {
                let mut named = Vec::new();
                for (pathway, c) in paths {
                    let Some(text) = c.as_str() else {
                        let message = format!("{key}.{pathway} must be a code string");
                        self.fail("io::model_file", message, code.span());
                        return None;
                    };
                    self.register_in(text, code.span());
                    named.push((pathway.clone(), text.to_string()));
                }
                Some(PathwayCode::Named(named))
            }
            other => {
                let message = format!(
                    "{key} must be a code string or a table of pathways, found {}",
                    kind(other)
                );
                self.fail("io::model_file", message, code.span());
                None
            }
        }
    }

    /// Registers a string found inside an inline table spanning `within`.
    fn register_in(&mut self, text: &str, within: Range<usize>) {
        let file = self.source.text();
        let Some(inner) = file.get(within.clone()) else {
            return;
        };
        for quote in ["'''", "\"\"\"", "'", "\""] {
            let token = format!("{quote}{text}{quote}");
            if let Some(k) = inner.find(&token) {
                let start = within.start + k;
                self.source
                    .register_string(text, start..start + token.len());
                return;
            }
        }
    }

    fn on_event(&mut self, e: &Spanned<toml::Value>) -> Option<OnEvent> {
        match e.get_ref() {
            toml::Value::String(name) => Some(OnEvent::All(name.clone())),
            toml::Value::Table(t) => {
                let mut v = Vec::new();
                for (pathway, event) in t {
                    let Some(event) = event.as_str() else {
                        self.fail("io::model_file", "event names are strings", e.span());
                        return None;
                    };
                    v.push((pathway.clone(), event.to_string()));
                }
                Some(OnEvent::PerPathway(v))
            }
            other => {
                let message = format!(
                    "on_event must be an event name or a table of pathways, found {}",
                    kind(other)
                );
                self.fail("io::model_file", message, e.span());
                None
            }
        }
    }

    /// A delay: `Ok` for one duration or a table of durations per pathway, `Err(text)` for
    /// an expression string evaluated per synapse.
    fn delay(&mut self, delay: &Spanned<toml::Value>) -> Option<Result<Delay, String>> {
        match delay.get_ref() {
            toml::Value::Table(t) => {
                let mut v = Vec::new();
                for (pathway, d) in t {
                    match values::duration(d, &self.constants) {
                        Ok(x) => v.push((pathway.clone(), x)),
                        Err(m) => {
                            let message = format!("delay of pathway '{pathway}': {m}");
                            self.fail("io::invalid_quantity", message, delay.span());
                            return None;
                        }
                    }
                }
                Some(Ok(Delay::PerPathway(v)))
            }
            toml::Value::String(text) => match values::duration(delay.get_ref(), &self.constants) {
                Ok(x) => Some(Ok(Delay::Scalar(x))),
                Err(_) => {
                    self.source.register_string(text, delay.span());
                    Some(Err(text.clone()))
                }
            },
            _ => match self.duration(delay, "delay") {
                Some(x) => Some(Ok(Delay::Scalar(x))),
                None => None,
            },
        }
    }

    fn connect_args(&mut self, c: &ConnectDef) -> Option<Connect> {
        let mut args = Connect {
            skip_if_invalid: c.skip_if_invalid.unwrap_or(false),
            ..Default::default()
        };
        if let Some(cond) = &c.condition {
            args.condition = Some(self.register(cond));
        }
        if let Some(p) = &c.p {
            args.p = self.number_or_expr(p, "p")?;
        }
        if let Some(n) = &c.n {
            args.n = self.number_or_expr(n, "n")?;
        }
        if let Some(i) = &c.i {
            args.i = Some(self.indices(i, "i")?);
        }
        if let Some(j) = &c.j {
            args.j = Some(self.indices(j, "j")?);
        }
        Some(args)
    }

    /// A dimensionless number (or constant), else an expression for the engine.
    fn number_or_expr(&mut self, v: &Spanned<toml::Value>, key: &str) -> Option<NumberOrExpr> {
        match v.get_ref() {
            toml::Value::Integer(k) => Some(NumberOrExpr::Number(*k as f64)),
            toml::Value::Float(x) => Some(NumberOrExpr::Number(*x)),
            toml::Value::String(text) => match values::quantity_text(text, &self.constants) {
                Ok(q) if q.dim.is_dimensionless() => Some(NumberOrExpr::Number(q.value)),
                _ => {
                    self.source.register_string(text, v.span());
                    Some(NumberOrExpr::Expr(text.clone()))
                }
            },
            other => {
                let message = format!(
                    "{key} must be a number or an expression string, found {}",
                    kind(other)
                );
                self.fail("io::model_file", message, v.span());
                None
            }
        }
    }

    /// A list of indices, one index, or a generator expression string.
    fn indices(&mut self, v: &Spanned<toml::Value>, key: &str) -> Option<ConnectIndices> {
        match v.get_ref() {
            toml::Value::Integer(k) => Some(ConnectIndices::Array(vec![*k])),
            toml::Value::Array(items) => {
                let list: Option<Vec<i64>> = items.iter().map(|x| x.as_integer()).collect();
                if list.is_none() {
                    let message = format!("{key} must be a list of integers");
                    self.fail("io::model_file", message, v.span());
                }
                list.map(ConnectIndices::Array)
            }
            toml::Value::String(text) => {
                self.source.register_string(text, v.span());
                Some(ConnectIndices::Generator(text.clone()))
            }
            other => {
                let message = format!(
                    "{key} must be a list of indices or a generator string, found {}",
                    kind(other)
                );
                self.fail("io::model_file", message, v.span());
                None
            }
        }
    }
}

/// Where a `connect` entry is in the file: from its first key's value to its last.
fn connect_span(c: &ConnectDef) -> Option<Range<usize>> {
    let spans = [
        c.condition.as_ref().map(|v| v.span()),
        c.p.as_ref().map(|v| v.span()),
        c.n.as_ref().map(|v| v.span()),
        c.i.as_ref().map(|v| v.span()),
        c.j.as_ref().map(|v| v.span()),
    ];
    let present = spans.into_iter().flatten();
    present.reduce(|a, b| a.start.min(b.start)..a.end.max(b.end))
}
