//! The numerical watchdog (opt-in, [`Network::set_watchdog`]): after each operation of a
//! step, the floating-point arrays that operation's kernels write are scanned, and the run
//! stops at the first value that is NaN or infinite, naming the variable, the element, the
//! time, the operation and the equation or statement of the model that assigns the variable.
//!
//! Off, it costs one branch per operation; on, one pass over what each operation wrote
//! (BENCHMARKS.md has the measurement on COBAHH).

use crate::error::RuntimeError;
use crate::group::GroupData;
use crate::network::{Network, Operation};
use crate::state::{ArrayData, ArrayStore, StoreId};
use rheobase_codegen::ElemType;
use std::fmt;

/// Where the watchdog found a value that is not finite.
#[derive(Clone, Debug, PartialEq)]
pub struct NonFiniteReport {
    /// The object that owns the variable (`neurongroup`).
    pub object: String,
    /// The variable (`v`).
    pub variable: String,
    /// The element index within the object.
    pub index: usize,
    pub value: f64,
    /// The time of the step in which it appeared, in seconds.
    pub t: f64,
    /// The operation that wrote it (`neurongroup_stateupdater`).
    pub operation: String,
    /// The model line that assigns the variable in that operation (`dv/dt = ... : volt`),
    /// when it can be found.
    pub equation: Option<String>,
}

impl fmt::Display for NonFiniteReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "error[runtime::non_finite_value]: numerical watchdog: {}.{}[{}] became {} at t = {} s in '{}'",
            self.object, self.variable, self.index, self.value, self.t, self.operation
        )?;
        if let Some(eq) = &self.equation {
            write!(f, ", computed by `{eq}`")?;
        }
        write!(
            f,
            "; the run stopped after this operation, with the state as it was then"
        )
    }
}

/// Per scheduled object, the F64 arrays its kernels write (found at the start of a run).
#[derive(Debug, Default)]
pub(crate) struct Watch {
    written: Vec<Vec<StoreId>>,
}

impl Watch {
    pub fn new<'a>(
        objects: impl Iterator<Item = &'a (dyn Operation + 'a)>,
        store: &ArrayStore,
    ) -> Watch {
        let written = objects
            .map(|op| {
                let mut ids: Vec<StoreId> = op
                    .bound_kernels()
                    .into_iter()
                    .flat_map(|k| k.written_arrays())
                    .filter(|id| matches!(store.elem_type(*id), ElemType::F64 | ElemType::F32))
                    // Scratch arrays (`_scratch`, `_record_v`) are not model state.
                    .filter(|id| {
                        let name = &store.info(*id).name;
                        !name.rsplit('.').next().unwrap_or(name).starts_with('_')
                    })
                    .collect();
                ids.sort_by_key(|id| id.0);
                ids.dedup();
                ids
            })
            .collect();
        Watch { written }
    }

    /// The first non-finite value among what object `k` writes: `(array, index, value)`.
    pub fn check(&self, k: usize, store: &ArrayStore) -> Option<(StoreId, usize, f64)> {
        for &id in self.written.get(k)? {
            match store.get(id) {
                ArrayData::F64(values) if !all_finite(values) => {
                    let j = values.iter().position(|x| !x.is_finite())?;
                    return Some((id, j, values[j]));
                }
                ArrayData::F32(values) if !values.iter().all(|x| x.is_finite()) => {
                    let j = values.iter().position(|x| !x.is_finite())?;
                    return Some((id, j, f64::from(values[j])));
                }
                _ => {}
            }
        }
        None
    }
}

/// Whether every value is finite: `x * 0.0` is 0 for a finite `x` and NaN otherwise, and a
/// sum of zeros cannot overflow, so one branch-free pass with independent lanes (which the
/// compiler vectorises) answers it.
fn all_finite(values: &[f64]) -> bool {
    let mut lanes = [0.0f64; 8];
    let chunks = values.chunks_exact(8);
    let tail = chunks.remainder();
    for chunk in chunks {
        for (lane, x) in lanes.iter_mut().zip(chunk) {
            *lane += *x * 0.0;
        }
    }
    for x in tail {
        lanes[0] += *x * 0.0;
    }
    lanes.iter().sum::<f64>() == 0.0
}

/// The report for a non-finite value found in `array` after `operation` ran.
pub(crate) fn report(
    store: &ArrayStore,
    groups: &[GroupData],
    found: (StoreId, usize, f64),
    t: f64,
    operation: &str,
) -> RuntimeError {
    let (id, index, value) = found;
    let full = &store.info(id).name;
    let (object, variable) = full.split_once('.').unwrap_or(("", full));
    let equation = find_equation(groups, operation, object, variable);
    RuntimeError::NonFinite(Box::new(NonFiniteReport {
        object: object.to_string(),
        variable: variable.to_string(),
        index,
        value,
        t,
        operation: operation.to_string(),
        equation,
    }))
}

/// The line of user text that assigns `variable` in `operation`: the variable's equation
/// in its group's model for a state updater, else a statement in the code strings of the
/// object the operation belongs to (`v = vr` in a reset, `ge_post += w` or `ge += w` on a
/// synapse's pathway).
fn find_equation(
    groups: &[GroupData],
    operation: &str,
    object: &str,
    variable: &str,
) -> Option<String> {
    let owner = groups
        .iter()
        .filter(|g| operation.starts_with(&format!("{}_", g.name)))
        .max_by_key(|g| g.name.len())?;
    let is_update = operation.ends_with("_stateupdater");
    let targets: Vec<String> = if owner.name == object {
        vec![variable.to_string()]
    } else {
        vec![
            format!("{variable}_post"),
            format!("{variable}_pre"),
            variable.to_string(),
        ]
    };
    for source in owner.sources.iter() {
        let is_model = source.name.ends_with(" model");
        if is_update != is_model {
            continue;
        }
        for line in source.text.lines() {
            let code = line.split('#').next().unwrap_or("").trim();
            if targets.iter().any(|v| assigns(code, v, is_model)) {
                return Some(code.to_string());
            }
        }
    }
    None
}

/// Whether a model line (`dv/dt = ...`, `v = ...` as a subexpression) or a statement
/// (`v = ...`, `v += ...`) assigns `variable`.
fn assigns(code: &str, variable: &str, is_model: bool) -> bool {
    let lhs = code
        .split(['=', '+', '-', '*', '/', ':'])
        .next()
        .unwrap_or("")
        .trim();
    if is_model {
        let derivative = format!("d{variable}");
        let head = code.split('=').next().unwrap_or("").trim();
        return head.replace(' ', "") == format!("{derivative}/dt");
    }
    lhs == variable
}

impl Network {
    /// Turns the numerical watchdog on or off (off by default); see [`crate::watchdog`].
    pub fn set_watchdog(&self, on: bool) {
        self.lock().watchdog = on;
    }

    pub fn watchdog(&self) -> bool {
        self.lock().watchdog
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::test_backend;
    use crate::{Connect, NeuronGroup, NeuronGroupOptions, Synapses, SynapsesOptions};

    fn blowing_up(net: &Network) -> NeuronGroup {
        let options = NeuronGroupOptions {
            method: Some("euler".into()),
            ..Default::default()
        };
        // v doubles every step from 1e300: infinite after a few steps.
        NeuronGroup::new(net, 3, "dv/dt = v/(0.1*ms) : 1  # grows\nw : 1", options).unwrap()
    }

    #[test]
    fn finds_nan_and_infinities_anywhere() {
        let mut values = vec![1.5; 37];
        assert!(all_finite(&values));
        assert!(all_finite(&[]));
        values[36] = f64::MAX;
        assert!(all_finite(&values));
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            for at in [0, 7, 8, 35, 36] {
                let mut v = values.clone();
                v[at] = bad;
                assert!(!all_finite(&v), "{bad} at {at}");
            }
        }
    }

    #[test]
    fn off_by_default_and_the_run_goes_on() {
        let net = Network::with_backend(test_backend());
        let g = blowing_up(&net);
        g.set_expr("v", "1e300*(i == 2)").unwrap();
        assert!(!net.watchdog());
        net.run(5e-3).unwrap();
        assert!(g.get("v").unwrap()[2].is_infinite());
    }

    #[test]
    fn stops_at_the_first_non_finite_value_and_names_its_equation() {
        let net = Network::with_backend(test_backend());
        net.set_watchdog(true);
        let g = blowing_up(&net);
        g.set_expr("v", "1e300*(i == 2)").unwrap();
        let e = net.run(5e-3).unwrap_err();
        assert_eq!(e.code(), "runtime::non_finite_value");
        let RuntimeError::NonFinite(r) = &e else {
            panic!("{e}")
        };
        assert_eq!(
            (r.object.as_str(), r.variable.as_str(), r.index),
            ("neurongroup", "v", 2)
        );
        assert!(r.value.is_infinite());
        assert_eq!(r.operation, "neurongroup_stateupdater");
        assert_eq!(r.equation.as_deref(), Some("dv/dt = v/(0.1*ms) : 1"));
        // v doubles each step (dt = 0.1 ms); v/(0.1*ms) = 1e304 * 2^k overflows first, when
        // v = 1e300 * 2^15, in the step at 1.5 ms.
        assert!((r.t - 15e-4).abs() < 1e-12, "{}", r.t);
        assert!(
            e.to_string()
                .contains("neurongroup.v[2] became inf at t = "),
            "{e}"
        );
        // The state stays as it was, and the network can still be inspected and run.
        assert_eq!(net.t(), r.t);
        assert!(g.get("v").unwrap()[2].is_infinite());
        g.set_expr("v", "0").unwrap();
        net.run(1e-3).unwrap();
    }

    #[test]
    fn names_the_reset_and_the_synaptic_statement() {
        let net = Network::with_backend(test_backend());
        net.set_watchdog(true);
        let options = NeuronGroupOptions {
            threshold: Some("v > 1".into()),
            reset: Some("v = log(w)".into()),
            ..Default::default()
        };
        let g = NeuronGroup::new(&net, 2, "v : 1\nw : 1", options).unwrap();
        g.set_expr("v", "2*i").unwrap();
        g.set_expr("w", "-1").unwrap();
        let e = net.run(1e-4).unwrap_err();
        let RuntimeError::NonFinite(r) = &e else {
            panic!("{e}")
        };
        assert_eq!((r.variable.as_str(), r.index), ("v", 1));
        assert!(r.value.is_nan());
        assert_eq!(r.operation, "neurongroup_spike_resetter");
        assert_eq!(r.equation.as_deref(), Some("v = log(w)"));

        let net = Network::with_backend(test_backend());
        net.set_watchdog(true);
        let options = NeuronGroupOptions {
            threshold: Some("v > 1".into()),
            ..Default::default()
        };
        let g = NeuronGroup::new(&net, 2, "v : 1\nx : 1", options).unwrap();
        g.set_expr("v", "2").unwrap();
        let s = Synapses::new(
            &g,
            &g,
            "w : 1",
            SynapsesOptions {
                on_pre: "x_post += 1/w".into(),
                ..Default::default()
            },
        )
        .unwrap();
        s.connect(Connect::default()).unwrap();
        let e = net.run(1e-4).unwrap_err();
        let RuntimeError::NonFinite(r) = &e else {
            panic!("{e}")
        };
        assert_eq!(
            (r.object.as_str(), r.variable.as_str()),
            ("neurongroup", "x")
        );
        assert_eq!(r.operation, "synapses_pre");
        assert_eq!(r.equation.as_deref(), Some("x_post += 1/w"));
    }
}
