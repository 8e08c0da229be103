//! Building the [`OdeSystem`] of a model: Brian2's `get_substituted_expressions`.

use super::{Ode, OdeSystem};
use crate::ast::{EquationKind, Expr};
use crate::equations::Equations;
use crate::symbolic::substitute;
use std::collections::HashMap;

impl OdeSystem {
    /// The differential equations of `eqs` with every subexpression inlined (recursively), in
    /// Brian2's order (sorted by name). Subexpressions flagged `constant over dt` are not
    /// inlined: Brian2 stores them in variables updated before the step, so they stay names.
    /// `(unless refractory)` is honoured only when the group has a refractory period
    /// (`refractory`), as in Brian2, which otherwise ignores the flag with a warning.
    pub fn from_equations(eqs: &Equations, refractory: bool) -> OdeSystem {
        let mut inlined: HashMap<String, Expr> = HashMap::new();
        for eq in eqs.ordered() {
            if eq.kind != EquationKind::Subexpression || eq.has_flag("constant over dt") {
                continue;
            }
            if let Some(expr) = &eq.expr {
                // `ordered()` lists subexpressions after those they read.
                let expr = substitute(expr, &inlined);
                inlined.insert(eq.name.clone(), expr);
            }
        }
        let odes = eqs
            .ordered()
            .into_iter()
            .filter(|eq| eq.kind == EquationKind::Differential)
            .filter_map(|eq| {
                let rhs = substitute(eq.expr.as_ref()?, &inlined);
                Some(Ode {
                    var: eq.name.clone(),
                    rhs,
                    unless_refractory: refractory && eq.has_flag("unless refractory"),
                    span: eq.span,
                })
            })
            .collect();
        OdeSystem::new(odes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::integrate::{choose_method, Method};
    use crate::span::SourceId;

    #[test]
    fn subexpressions_are_inlined_in_order() {
        let eqs = Equations::parse(
            "dv/dt = (I_total - v)/tau : 1 (unless refractory)\n\
             I_total = I_syn + I_ext : 1\n\
             I_syn = g*(E - v) : 1\n\
             I_ext : 1\n\
             dg/dt = -g/taug : 1\n\
             c = 2*v : 1 (constant over dt)",
            SourceId(0),
        )
        .unwrap();
        let sys = OdeSystem::from_equations(&eqs, true);
        let vars: Vec<&str> = sys.odes.iter().map(|o| o.var.as_str()).collect();
        assert_eq!(vars, ["g", "v"]);
        assert_eq!(sys.odes[1].rhs.to_string(), "(g*(E - v) + I_ext - v)/tau");
        assert!(sys.odes[1].unless_refractory && !sys.odes[0].unless_refractory);
        // g*(E - v) makes v's coefficient depend on g: not linear, so euler.
        assert_eq!(choose_method(&sys).unwrap().0, Method::Euler);
        assert!(!OdeSystem::from_equations(&eqs, false).odes[1].unless_refractory);
    }
}
