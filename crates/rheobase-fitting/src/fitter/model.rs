//! What the fitters need to know about the user's model before simulating it: the declared
//! variables and their units, which parameters may be fitted, and the input variable.

use crate::error::{FitError, Result};
use rheobase_lang::{parse_equations, Equation, EquationKind, SourceMap};
use rheobase_runtime::RuntimeError;
use rheobase_units::display::dimension_repr;
use rheobase_units::Dimension;

/// The name of the input table in the fitted model (not a name users write).
pub(crate) const INPUT_TABLE: &str = "rheobase_fit_input";

#[derive(Clone, Debug)]
pub(crate) struct ModelInfo {
    text: String,
    equations: Vec<Equation>,
    sources: SourceMap,
}

impl ModelInfo {
    pub fn parse(model: &str) -> Result<ModelInfo> {
        let mut sources = SourceMap::new();
        let src = sources.add("model", model);
        let equations = parse_equations(model, src)
            .map_err(|d| FitError::Runtime(RuntimeError::model("fitted", d, &sources)))?;
        Ok(ModelInfo {
            text: model.to_string(),
            equations,
            sources,
        })
    }

    fn equation(&self, name: &str) -> Option<&Equation> {
        self.equations.iter().find(|e| e.name == name)
    }

    /// The declared dimension of a model variable (not of built-ins such as `t`).
    pub fn dimension_of(&self, name: &str) -> Option<Dimension> {
        self.equation(name).map(|e| e.unit.dim)
    }

    /// A parameter may be fitted when the model declares it `name : unit (constant)`.
    pub fn check_fit_parameter(&self, name: &str, input_var: &str) -> Result<()> {
        let refuse = |message: String| FitError::Parameter {
            parameter: name.to_string(),
            message,
        };
        if name == input_var {
            return Err(refuse(
                "it is the input variable, which the fitter sets".into(),
            ));
        }
        let Some(eq) = self.equation(name) else {
            return Err(refuse(format!(
                "the model does not declare it; add `{name} : <unit> (constant)`"
            )));
        };
        let line = self.sources.snippet(eq.span).trim().to_string();
        if eq.kind != EquationKind::Parameter {
            return Err(refuse(format!(
                "`{line}` is not a parameter; only parameters declared `{name} : <unit> (constant)` can be fitted"
            )));
        }
        if !eq.has_flag("constant") {
            return Err(refuse(format!(
                "`{line}` is not declared (constant); write `{name} : <unit> (constant)`"
            )));
        }
        Ok(())
    }

    /// The model text with the input variable defined as a lookup in the input table
    /// ([`INPUT_TABLE`], one column per protocol): `I = table(t, i % n_traces) : unit`, as
    /// brian2modelfitting does. A declaration `I : unit` in the model is replaced; any other
    /// definition of the input, or one in another unit, is refused.
    pub fn with_input(&self, input_var: &str, dim: Dimension, n_traces: usize) -> Result<String> {
        let unit = if dim.is_dimensionless() {
            "1".to_string()
        } else {
            dimension_repr(&dim)
        };
        let definition = format!("{input_var} = {INPUT_TABLE}(t, i % {n_traces}) : {unit}");
        match self.equation(input_var) {
            None => Ok(format!("{}\n{definition}", self.text)),
            Some(eq) if eq.kind != EquationKind::Parameter => Err(FitError::Input(format!(
                "the input variable '{input_var}' is defined by an equation in the model; \
                 leave it out (the fitter defines it) or declare it as a parameter"
            ))),
            Some(eq) if eq.unit.dim != dim => Err(FitError::Input(format!(
                "the input has unit {} but the model declares '{input_var}' in {}",
                rheobase_units::display::dimension_unit_string(&dim),
                rheobase_units::display::dimension_unit_string(&eq.unit.dim)
            ))),
            Some(eq) => {
                let range = eq.span.range();
                Ok(format!(
                    "{}{definition}{}",
                    &self.text[..range.start],
                    &self.text[range.end..]
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rheobase_units::lookup_unit;

    const MODEL: &str = "dv/dt = (EL - v + R*I)/tau : volt
tau : second (constant)
R : ohm
EL = -70*mV : volt";

    #[test]
    fn constant_parameters_can_be_fitted_others_not() {
        let info = ModelInfo::parse(MODEL).unwrap();
        assert!(info.check_fit_parameter("tau", "I").is_ok());
        for (name, fragment) in [
            ("R", "not declared (constant)"),
            ("v", "is not a parameter"),
            ("EL", "is not a parameter"),
            ("C", "does not declare"),
            ("I", "input variable"),
        ] {
            let e = info.check_fit_parameter(name, "I").unwrap_err();
            assert_eq!(e.code(), "model::fit_parameter_not_constant");
            assert!(e.to_string().contains(fragment), "{e}");
        }
    }

    #[test]
    fn the_input_is_declared_with_its_unit() {
        let info = ModelInfo::parse(MODEL).unwrap();
        let amp = lookup_unit("amp").unwrap().dim;
        let text = info.with_input("I", amp, 3).unwrap();
        assert!(
            text.ends_with("\nI = rheobase_fit_input(t, i % 3) : amp"),
            "{text}"
        );
        let declared = ModelInfo::parse(&format!("{MODEL}\nI : amp (constant)\nx : 1")).unwrap();
        let replaced = declared.with_input("I", amp, 2).unwrap();
        assert!(
            replaced.contains("\nI = rheobase_fit_input(t, i % 2) : amp\nx : 1"),
            "{replaced}"
        );
        assert!(!replaced.contains("I : amp"));
        let volt = lookup_unit("volt").unwrap().dim;
        assert!(declared.with_input("I", volt, 2).is_err());
        assert!(info.with_input("v", volt, 2).is_err());
    }

    #[test]
    fn syntax_errors_keep_their_diagnostics() {
        let e = ModelInfo::parse("dv/dt = (1 - v/tau : 1").unwrap_err();
        assert!(e.code().starts_with("syntax::"), "{}", e.code());
    }
}
