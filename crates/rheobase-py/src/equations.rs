//! `rheobase._core.Equations`: Brian2's `Equations` object on rheobase-lang's [`Equations`].
//!
//! An object remembers how it was made (model strings, concatenations, substitutions) and
//! parses that recipe into one fresh [`SourceMap`], so equations concatenated from several
//! objects still point every error at the user's own text.

use crate::dimension::{intern, PyDimension};
use crate::errors::runtime_err;
use pyo3::prelude::*;
use rheobase_lang::{parse_expression, Diagnostics, Equations, SourceMap, Substitution};
use rheobase_runtime::RuntimeError;
use rheobase_units::Quantity;

/// What replaces a name: a string (a new name or an expression) or a value in SI units.
#[derive(Clone, Debug)]
enum Replacement {
    Text(String),
    Value(f64, rheobase_units::Dimension),
}

/// How an `Equations` object was made.
#[derive(Clone, Debug)]
enum Recipe {
    Text(String),
    Concat(Vec<Recipe>),
    Substitute(Box<Recipe>, Vec<(String, Replacement)>),
}

fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl Recipe {
    fn build(&self, sources: &mut SourceMap) -> Result<Equations, Diagnostics> {
        match self {
            Recipe::Text(text) => {
                let src = sources.add("Equations", text.clone());
                Equations::parse(text, src)
            }
            Recipe::Concat(parts) => {
                let mut all = Equations::default();
                for part in parts {
                    all = all.concat(&part.build(sources)?)?;
                }
                Ok(all)
            }
            Recipe::Substitute(inner, replacements) => {
                let equations = inner.build(sources)?;
                let mut subs: Vec<(&str, Substitution)> = Vec::new();
                for (name, replacement) in replacements {
                    let sub = match replacement {
                        Replacement::Text(t) if is_identifier(t.trim()) => {
                            Substitution::Name(t.trim().to_string())
                        }
                        Replacement::Text(t) => {
                            let src = sources.add(format!("replacement for {name}"), t.clone());
                            Substitution::Expr(parse_expression(t, src)?)
                        }
                        Replacement::Value(v, d) => Substitution::Value(Quantity::new(*v, *d)),
                    };
                    subs.push((name.as_str(), sub));
                }
                equations.substitute(&subs)
            }
        }
    }
}

/// A replacement as Python passes it: a string, or `(si_value, dimension)`.
#[derive(FromPyObject)]
pub enum PyReplacement {
    Text(String),
    Value((f64, PyDimension)),
}

/// Parsed, checked equations (Brian2's `Equations`); errors are raised when it is made.
#[pyclass(name = "Equations", module = "rheobase._core", frozen)]
pub struct PyEquations {
    recipe: Recipe,
    pub(crate) equations: Equations,
    pub(crate) sources: SourceMap,
}

impl PyEquations {
    fn make(py: Python<'_>, recipe: Recipe) -> PyResult<PyEquations> {
        let mut sources = SourceMap::new();
        match recipe.build(&mut sources) {
            Ok(equations) => Ok(PyEquations {
                recipe,
                equations,
                sources,
            }),
            Err(d) => Err(runtime_err(
                py,
                &RuntimeError::model("Equations", d, &sources),
            )),
        }
    }
}

#[pymethods]
impl PyEquations {
    #[new]
    fn new(py: Python<'_>, text: &str) -> PyResult<Self> {
        PyEquations::make(py, Recipe::Text(text.to_string()))
    }

    /// These equations with names replaced (Brian2's keyword arguments of `Equations`).
    fn substitute(
        &self,
        py: Python<'_>,
        replacements: Vec<(String, PyReplacement)>,
    ) -> PyResult<Self> {
        let replacements = replacements
            .into_iter()
            .map(|(name, r)| {
                let r = match r {
                    PyReplacement::Text(t) => Replacement::Text(t),
                    PyReplacement::Value((v, d)) => Replacement::Value(v, d.0),
                };
                (name, r)
            })
            .collect();
        PyEquations::make(
            py,
            Recipe::Substitute(Box::new(self.recipe.clone()), replacements),
        )
    }

    /// `self + other`: every equation of both; a name defined twice is an error.
    fn concat(&self, py: Python<'_>, other: &PyEquations) -> PyResult<Self> {
        PyEquations::make(
            py,
            Recipe::Concat(vec![self.recipe.clone(), other.recipe.clone()]),
        )
    }

    fn names(&self) -> Vec<String> {
        to_strings(self.equations.names())
    }

    fn diff_eq_names(&self) -> Vec<String> {
        to_strings(self.equations.diff_eq_names())
    }

    fn subexpr_names(&self) -> Vec<String> {
        to_strings(self.equations.subexpr_names())
    }

    fn parameter_names(&self) -> Vec<String> {
        to_strings(self.equations.parameter_names())
    }

    fn identifiers(&self) -> Vec<String> {
        to_strings(self.equations.identifiers())
    }

    /// Equation names in Brian2's `ordered` order.
    fn ordered_names(&self) -> Vec<String> {
        self.equations
            .ordered()
            .iter()
            .map(|e| e.name.clone())
            .collect()
    }

    /// `(kind, dimension, type name, flags, right-hand side or None)` of one equation.
    #[allow(clippy::type_complexity)]
    fn equation(
        &self,
        py: Python<'_>,
        name: &str,
    ) -> PyResult<Option<(String, Py<PyDimension>, String, Vec<String>, Option<String>)>> {
        let Some(eq) = self.equations.get(name) else {
            return Ok(None);
        };
        let kind = format!("{:?}", eq.kind).to_lowercase();
        let vtype = format!("{:?}", eq.unit.vtype).to_lowercase();
        let flags = eq.flags.iter().map(|f| f.name.clone()).collect();
        let rhs = eq.expr.as_ref().map(|e| e.to_string());
        Ok(Some((kind, intern(py, eq.unit.dim)?, vtype, flags, rhs)))
    }

    fn __len__(&self) -> usize {
        self.equations.len()
    }

    fn __str__(&self) -> String {
        self.equations.to_string()
    }
}

fn to_strings(names: Vec<&str>) -> Vec<String> {
    names.into_iter().map(str::to_string).collect()
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyEquations>()?;
    Ok(())
}
