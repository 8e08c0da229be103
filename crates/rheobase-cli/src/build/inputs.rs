//! `[timed_arrays]` and `[inputs]`: TimedArray, PoissonGroup, SpikeGeneratorGroup and
//! PoissonInput from the model file.

use super::{valid_name, Builder, BuiltGroup};
use crate::model::data::{self, Table};
use crate::model::schema::{InputDef, TimedArrayDef};
use crate::model::values::{self, kind};
use indexmap::IndexMap;
use rheobase::runtime::{
    Network, PoissonGroup, PoissonGroupOptions, PoissonInput, PoissonInputOptions, Rates,
    SpikeGeneratorGroup, SpikeGeneratorGroupOptions, TimedArray, Weight,
};
use rheobase::units::{Dimension, Quantity};
use std::ops::Range;
use toml::Spanned;

const SECOND: Dimension = Dimension::from_ints([0, 0, 1, 0, 0, 0, 0]);
const HERTZ: Dimension = Dimension::from_ints([0, 0, -1, 0, 0, 0, 0]);

/// The keys each input type takes besides `type` and `N`.
const KEYS: &[(&str, &[&str])] = &[
    ("poisson_group", &["rates", "dt", "when", "order"]),
    (
        "spike_generator",
        &[
            "indices",
            "times",
            "file",
            "time_unit",
            "period",
            "dt",
            "when",
            "order",
        ],
    ),
    (
        "poisson_input",
        &["target", "variable", "rate", "weight", "when", "order"],
    ),
];

impl Builder<'_> {
    /// Builds every `[timed_arrays.NAME]`; each is callable as `NAME(t)` or `NAME(t, i)`.
    pub(super) fn timed_arrays(&mut self) {
        let doc = self.doc;
        for (name, def) in &doc.timed_arrays {
            if !valid_name(name) {
                let message = format!("'{name}' is not a valid timed array name");
                self.fail("io::model_file", message, def.span());
                continue;
            }
            if let Some(table) = self.timed_array(name, def) {
                self.timed_arrays.insert(name.clone(), table);
            }
        }
    }

    fn timed_array(&mut self, name: &str, def: &Spanned<TimedArrayDef>) -> Option<TimedArray> {
        let d = def.get_ref();
        let dt = self.duration(&d.dt, "dt")?;
        let unit = self.unit(d.unit.as_ref())?;
        let table = match (&d.values, &d.file) {
            (Some(v), None) => self.inline_table(v, &unit)?,
            (None, Some(f)) => {
                let mut t = self.data_file(f)?;
                t.values.iter_mut().for_each(|x| *x *= unit.value);
                t
            }
            _ => {
                let message = "a timed array needs either `values = [...]` or `file = \"...\"`";
                self.fail("io::model_file", message, def.span());
                return None;
            }
        };
        let made = match table.cols {
            None => TimedArray::new(table.values, unit.dim, dt),
            Some(cols) => TimedArray::new_2d(table.values, table.rows, cols, unit.dim, dt),
        };
        match made {
            Ok(t) => Some(t.with_name(name)),
            Err(e) => {
                self.runtime(&e, def.span());
                None
            }
        }
    }

    /// `unit = "nA"` as a quantity (its value scales the numbers); dimensionless by default.
    fn unit(&mut self, unit: Option<&Spanned<String>>) -> Option<Quantity> {
        let Some(u) = unit else {
            return Some(Quantity::dimensionless(1.0));
        };
        match values::quantity_text(u.get_ref(), &self.constants) {
            Ok(q) => Some(q),
            Err(m) => {
                self.fail("io::invalid_quantity", format!("unit: {m}"), u.span());
                None
            }
        }
    }

    /// A list (1-D) or list of lists (2-D) of numbers in `unit`, or of quantity strings.
    fn inline_table(&mut self, v: &Spanned<toml::Value>, unit: &Quantity) -> Option<Table> {
        let toml::Value::Array(rows) = v.get_ref() else {
            let message = format!("values must be a list, found {}", kind(v.get_ref()));
            self.fail("io::model_file", message, v.span());
            return None;
        };
        let two_d = rows.first().is_some_and(|r| r.is_array());
        let mut values = Vec::new();
        let mut cols = None;
        for row in rows {
            let items: &[toml::Value] = match (two_d, row) {
                (true, toml::Value::Array(items)) => items,
                (false, item) if !item.is_array() => std::slice::from_ref(item),
                _ => {
                    self.fail(
                        "io::model_file",
                        "values must be all numbers or all lists (one per time step)",
                        v.span(),
                    );
                    return None;
                }
            };
            if two_d && *cols.get_or_insert(items.len()) != items.len() {
                let message = "every row of values must have the same length";
                self.fail("io::model_file", message, v.span());
                return None;
            }
            for item in items {
                let x = match item {
                    toml::Value::Integer(k) => *k as f64 * unit.value,
                    toml::Value::Float(x) => x * unit.value,
                    other => match values::quantity_of(other, &self.constants, unit.dim, "a value")
                    {
                        Ok(x) => x,
                        Err(m) => {
                            self.fail("io::invalid_quantity", m, v.span());
                            return None;
                        }
                    },
                };
                values.push(x);
            }
        }
        Some(Table {
            rows: rows.len(),
            cols,
            values,
        })
    }

    /// A data file, relative to the model file's folder.
    fn data_file(&mut self, file: &Spanned<String>) -> Option<Table> {
        let path = self.dir.join(file.get_ref());
        match data::read(&path) {
            Ok(t) => Some(t),
            Err(m) => {
                self.fail("io::data_file", m, file.span());
                None
            }
        }
    }

    /// Builds the Poisson groups and spike generators, which are groups for everything else.
    pub(super) fn input_groups(
        &mut self,
        net: &Network,
        groups: &mut IndexMap<String, BuiltGroup>,
    ) {
        let doc = self.doc;
        for (name, def) in &doc.inputs {
            let d = def.get_ref();
            if !self.input_keys_fit(name, def) {
                self.failed.insert(name.clone());
                continue;
            }
            let made = match d.kind.get_ref().as_str() {
                "poisson_group" => self.poisson_group(net, name, d),
                "spike_generator" => self.spike_generator(net, name, d),
                _ => continue,
            };
            match made {
                Some(g) => {
                    groups.insert(name.clone(), g);
                }
                None => {
                    self.failed.insert(name.clone());
                }
            }
        }
    }

    /// Checks the name, the type and that every key given belongs to the type.
    fn input_keys_fit(&mut self, name: &str, def: &Spanned<InputDef>) -> bool {
        let d = def.get_ref();
        if !valid_name(name) {
            let message = format!("'{name}' is not a valid input name");
            self.fail("io::model_file", message, def.span());
            return false;
        }
        let Some((_, allowed)) = KEYS.iter().find(|(k, _)| k == d.kind.get_ref()) else {
            let message = format!(
                "unknown input type '{}' (use poisson_group, spike_generator or poisson_input)",
                d.kind.get_ref()
            );
            self.fail("io::model_file", message, d.kind.span());
            return false;
        };
        let given: [(&str, Option<Range<usize>>); 13] = [
            ("rates", d.rates.as_ref().map(|v| v.span())),
            ("indices", d.indices.as_ref().map(|v| v.span())),
            ("times", d.times.as_ref().map(|v| v.span())),
            ("file", d.file.as_ref().map(|v| v.span())),
            ("time_unit", d.time_unit.as_ref().map(|v| v.span())),
            ("period", d.period.as_ref().map(|v| v.span())),
            ("target", d.target.as_ref().map(|v| v.span())),
            ("variable", d.variable.as_ref().map(|v| v.span())),
            ("rate", d.rate.as_ref().map(|v| v.span())),
            ("weight", d.weight.as_ref().map(|v| v.span())),
            ("dt", d.dt.as_ref().map(|v| v.span())),
            ("when", d.when.as_ref().map(|v| v.span())),
            ("order", d.order.map(|_| def.span())),
        ];
        let mut ok = true;
        for (key, span) in given {
            if let Some(span) = span {
                if !allowed.contains(&key) {
                    let message = format!(
                        "`{key}` does not apply to an input of type '{}' (it takes: N, {})",
                        d.kind.get_ref(),
                        allowed.join(", ")
                    );
                    self.fail("io::model_file", message, span);
                    ok = false;
                }
            }
        }
        ok
    }

    fn required<'d, T>(
        &mut self,
        value: &'d Option<Spanned<T>>,
        key: &str,
        def: &Spanned<InputDef>,
    ) -> Option<&'d Spanned<T>> {
        if value.is_none() {
            let message = format!(
                "an input of type '{}' needs `{key}`",
                def.get_ref().kind.get_ref()
            );
            self.fail("io::model_file", message, def.span());
        }
        value.as_ref()
    }

    fn input_n(&mut self, d: &InputDef) -> Option<usize> {
        match values::count(d.n.get_ref(), &self.constants) {
            Ok(n) => Some(n),
            Err(m) => {
                self.fail("io::model_file", format!("N: {m}"), d.n.span());
                None
            }
        }
    }

    fn input_group(group: rheobase::runtime::NeuronGroup, kind: &'static str) -> BuiltGroup {
        BuiltGroup {
            group,
            kind,
            equations: String::new(),
            method: None,
            refractory: false,
            parent: None,
        }
    }

    fn poisson_group(&mut self, net: &Network, name: &str, d: &InputDef) -> Option<BuiltGroup> {
        let n = self.input_n(d)?;
        let Some(r) = &d.rates else {
            let message = "a poisson_group needs `rates` (\"10 Hz\", an expression or a list)";
            self.fail("io::model_file", message, d.kind.span());
            return None;
        };
        let rates = match r.get_ref() {
            toml::Value::String(text) => match values::quantity_text(text, &self.constants) {
                Ok(q) if q.dim == HERTZ => Rates::Value(q.value),
                Ok(q) => {
                    let message = format!("rates must be in Hz, found {q}");
                    self.fail("io::invalid_quantity", message, r.span());
                    return None;
                }
                Err(_) => {
                    self.source.register_string(text, r.span());
                    Rates::Expression(text.clone())
                }
            },
            toml::Value::Array(items) => {
                let mut v = Vec::with_capacity(items.len());
                for item in items {
                    match values::quantity_of(item, &self.constants, HERTZ, "a rate") {
                        Ok(x) => v.push(x),
                        Err(m) => {
                            self.fail("io::invalid_quantity", m, r.span());
                            return None;
                        }
                    }
                }
                Rates::Array(v)
            }
            other => {
                let message = format!(
                    "rates must be a rate (\"10 Hz\"), an expression or a list, found {}",
                    kind(other)
                );
                self.fail("io::invalid_quantity", message, r.span());
                return None;
            }
        };
        let mut options = PoissonGroupOptions {
            name: Some(name.to_string()),
            namespace: self.constants.clone(),
            functions: self.timed_arrays.clone(),
            order: d.order.unwrap_or(0),
            ..Default::default()
        };
        if let Some(w) = &d.when {
            options.when = w.get_ref().clone();
        }
        if let Some(dt) = &d.dt {
            options.dt = Some(self.duration(dt, "dt")?);
        }
        match PoissonGroup::new(net, n, rates, options) {
            Ok(g) => Some(Self::input_group(g.group().clone(), "PoissonGroup")),
            Err(e) => {
                self.runtime(&e, r.span());
                None
            }
        }
    }

    fn spike_generator(&mut self, net: &Network, name: &str, d: &InputDef) -> Option<BuiltGroup> {
        let n = self.input_n(d)?;
        let (indices, times) = match (&d.indices, &d.times, &d.file) {
            (Some(i), Some(t), None) => (self.index_list(i)?, self.time_list(t)?),
            (None, None, Some(f)) => {
                let table = self.data_file(f)?;
                if table.cols != Some(2) {
                    let message = format!(
                        "{}: expected two columns (neuron index, spike time), found {}",
                        f.get_ref(),
                        table.cols.unwrap_or(1)
                    );
                    self.fail("io::data_file", message, f.span());
                    return None;
                }
                let unit = match &d.time_unit {
                    Some(u) => {
                        let q = self.unit(Some(u))?;
                        if q.dim != SECOND {
                            let message = format!("time_unit must be a time unit, found {q}");
                            self.fail("io::invalid_quantity", message, u.span());
                            return None;
                        }
                        q.value
                    }
                    None => 1.0,
                };
                let mut indices = Vec::with_capacity(table.rows);
                for x in table.column(0) {
                    if x.fract() != 0.0 || x < 0.0 {
                        let message = format!(
                            "{}: neuron indices must be whole numbers >= 0, found {x}",
                            f.get_ref()
                        );
                        self.fail("io::data_file", message, f.span());
                        return None;
                    }
                    indices.push(x as i64);
                }
                let times = table.column(1).iter().map(|t| t * unit).collect();
                (indices, times)
            }
            _ => {
                let message = "a spike_generator needs `indices` and `times`, or `file` (not both)";
                self.fail("io::model_file", message, d.kind.span());
                return None;
            }
        };
        let mut options = SpikeGeneratorGroupOptions {
            name: Some(name.to_string()),
            order: d.order.unwrap_or(0),
            ..Default::default()
        };
        if let Some(p) = &d.period {
            options.period = self.duration(p, "period")?;
        }
        if let Some(w) = &d.when {
            options.when = w.get_ref().clone();
        }
        if let Some(dt) = &d.dt {
            options.dt = Some(self.duration(dt, "dt")?);
        }
        match SpikeGeneratorGroup::new(net, n, &indices, &times, options) {
            Ok(g) => Some(Self::input_group((*g).clone(), "SpikeGeneratorGroup")),
            Err(e) => {
                self.runtime(&e, d.kind.span());
                None
            }
        }
    }

    fn index_list(&mut self, v: &Spanned<toml::Value>) -> Option<Vec<i64>> {
        let list = v.get_ref().as_array().and_then(|items| {
            items
                .iter()
                .map(|x| x.as_integer())
                .collect::<Option<Vec<i64>>>()
        });
        if list.is_none() {
            self.fail("io::model_file", "expected a list of integers", v.span());
        }
        list
    }

    fn time_list(&mut self, v: &Spanned<toml::Value>) -> Option<Vec<f64>> {
        let Some(items) = v.get_ref().as_array() else {
            let message = "times must be a list of times (\"1 ms\", ...)";
            self.fail("io::model_file", message, v.span());
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match values::quantity_of(item, &self.constants, SECOND, "a spike time") {
                Ok(t) => out.push(t),
                Err(m) => {
                    self.fail("io::invalid_quantity", m, v.span());
                    return None;
                }
            }
        }
        Some(out)
    }

    /// Builds the Poisson inputs (after groups and subgroups, which they target).
    pub(super) fn poisson_inputs(&mut self, groups: &IndexMap<String, BuiltGroup>) {
        let doc = self.doc;
        for (name, def) in &doc.inputs {
            let d = def.get_ref();
            if d.kind.get_ref() != "poisson_input" || self.failed.contains(name) {
                continue;
            }
            self.poisson_input(name, def, groups);
        }
    }

    fn poisson_input(
        &mut self,
        name: &str,
        def: &Spanned<InputDef>,
        groups: &IndexMap<String, BuiltGroup>,
    ) -> Option<()> {
        let d = def.get_ref();
        let n = self.input_n(d)? as u64;
        let target = self.required(&d.target, "target", def)?;
        let target = self.find_group(groups, target)?.group.clone();
        let variable = self.required(&d.variable, "variable", def)?;
        let rate = self.required(&d.rate, "rate", def)?;
        let weight = self.required(&d.weight, "weight", def)?;
        let rate = match values::quantity_of(rate.get_ref(), &self.constants, HERTZ, "rate") {
            Ok(r) => r,
            Err(m) => {
                self.fail("io::invalid_quantity", m, rate.span());
                return None;
            }
        };
        let weight_value = match weight.get_ref() {
            toml::Value::String(text) => match values::quantity_text(text, &self.constants) {
                Ok(q) => Weight::Value(q),
                Err(_) => {
                    self.source.register_string(text, weight.span());
                    Weight::Expression(text.clone())
                }
            },
            other => match values::quantity(other, &self.constants) {
                Ok(q) => Weight::Value(q),
                Err(m) => {
                    self.fail("io::invalid_quantity", m, weight.span());
                    return None;
                }
            },
        };
        let mut options = PoissonInputOptions {
            name: Some(name.to_string()),
            order: d.order.unwrap_or(0),
            ..Default::default()
        };
        if let Some(w) = &d.when {
            options.when = w.get_ref().clone();
        }
        let made = PoissonInput::new(&target, variable.get_ref(), n, rate, weight_value, options);
        if let Err(e) = made {
            self.runtime(&e, def.span());
            return None;
        }
        Some(())
    }
}
