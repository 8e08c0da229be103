//! The checked model: every variable with its dimension, type, kind, right-hand side and flags.

use super::flags::VarFlags;
use super::scope::{is_noise_name, Scope, ScopeVariable, VarKind};
use crate::ast::{EquationKind, Expr, ExprKind, VarType};
use crate::span::Span;
use rheobase_units::Dimension;
use std::collections::BTreeSet;

/// One model variable after checking.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelVariable {
    pub name: String,
    pub dim: Dimension,
    pub vtype: VarType,
    pub kind: EquationKind,
    /// Right-hand side (`None` for parameters).
    pub expr: Option<Expr>,
    pub flags: VarFlags,
    /// The whole equation line.
    pub span: Span,
}

impl ModelVariable {
    /// The scope entry for this variable: state variables and parameters are writable
    /// (linked parameters are not: they belong to another group), subexpressions read-only.
    pub fn scope_variable(&self) -> ScopeVariable {
        let kind = match self.kind {
            EquationKind::Differential => VarKind::State,
            EquationKind::Parameter => VarKind::Parameter,
            EquationKind::Subexpression => VarKind::Subexpression,
        };
        let mut v = ScopeVariable::new(self.dim, self.vtype, kind);
        v.shared = self.flags.shared;
        v.writable = match self.kind {
            EquationKind::Subexpression => false,
            EquationKind::Parameter => !self.flags.linked,
            EquationKind::Differential => true,
        };
        v
    }
}

/// A checked model, variables in declaration order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Model {
    pub variables: Vec<ModelVariable>,
}

impl Model {
    pub fn get(&self, name: &str) -> Option<&ModelVariable> {
        self.variables.iter().find(|v| v.name == name)
    }

    fn of_kind(&self, kind: EquationKind) -> impl Iterator<Item = &ModelVariable> {
        self.variables.iter().filter(move |v| v.kind == kind)
    }

    /// Variables defined by differential equations.
    pub fn state_vars(&self) -> impl Iterator<Item = &ModelVariable> {
        self.of_kind(EquationKind::Differential)
    }

    pub fn parameters(&self) -> impl Iterator<Item = &ModelVariable> {
        self.of_kind(EquationKind::Parameter)
    }

    pub fn subexpressions(&self) -> impl Iterator<Item = &ModelVariable> {
        self.of_kind(EquationKind::Subexpression)
    }

    /// `base` with every model variable added (model variables shadow the base's names).
    /// Subexpressions whose definition contains noise are marked `noisy`.
    pub fn scope(&self, base: &Scope) -> Scope {
        let mut s = base.clone();
        for v in &self.variables {
            let mut var = v.scope_variable();
            var.noisy = self.is_noisy(v);
            s.add_variable(v.name.clone(), var);
        }
        s
    }

    /// A subexpression whose definition reads white noise, directly or through other
    /// subexpressions (a walk over names, not a substitution, which can grow exponentially).
    pub fn is_noisy(&self, v: &ModelVariable) -> bool {
        let mut visited: BTreeSet<&str> = BTreeSet::new();
        let mut todo: Vec<&ModelVariable> = vec![v];
        while let Some(cur) = todo.pop() {
            if cur.kind != EquationKind::Subexpression || !visited.insert(&cur.name) {
                continue;
            }
            for name in cur.expr.iter().flat_map(|e| e.names()) {
                if is_noise_name(name) {
                    return true;
                }
                if let Some(dep) = self.get(name) {
                    todo.push(dep);
                }
            }
        }
        false
    }

    /// Subexpressions ordered so that each comes after those it refers to (a model that
    /// passed checking has no cycles).
    pub fn subexpressions_in_dependency_order(&self) -> Vec<&ModelVariable> {
        let mut done: BTreeSet<&str> = BTreeSet::new();
        let mut out = Vec::new();
        for v in self.subexpressions() {
            self.visit_dependencies(v, &mut done, &mut Vec::new(), &mut out);
        }
        out
    }

    fn visit_dependencies<'m>(
        &'m self,
        v: &'m ModelVariable,
        done: &mut BTreeSet<&'m str>,
        stack: &mut Vec<&'m str>,
        out: &mut Vec<&'m ModelVariable>,
    ) {
        if done.contains(v.name.as_str()) || stack.contains(&v.name.as_str()) {
            return;
        }
        stack.push(&v.name);
        if let Some(e) = &v.expr {
            for dep in e.names() {
                if let Some(d) = self
                    .get(dep)
                    .filter(|d| d.kind == EquationKind::Subexpression)
                {
                    self.visit_dependencies(d, done, stack, out);
                }
            }
        }
        stack.pop();
        done.insert(&v.name);
        out.push(v);
    }

    /// `expr` with every subexpression replaced by its definition, recursively. Inserted
    /// nodes keep their own spans (pointing at the subexpression's definition). Subexpressions
    /// flagged `constant over dt` are left as names: the runtime stores them.
    pub fn substitute_subexpressions(&self, expr: &Expr) -> Expr {
        self.substitute(expr, &mut Vec::new())
    }

    fn substitute(&self, expr: &Expr, active: &mut Vec<String>) -> Expr {
        let kind = match &expr.kind {
            ExprKind::Name(n) => {
                let sub = self
                    .get(n)
                    .filter(|v| v.kind == EquationKind::Subexpression && !v.flags.constant_over_dt);
                match sub.and_then(|v| v.expr.as_ref()) {
                    // A cycle (only in unchecked models) stops substitution instead of looping.
                    Some(def) if !active.contains(n) => {
                        active.push(n.clone());
                        let out = self.substitute(def, active);
                        active.pop();
                        return out;
                    }
                    _ => ExprKind::Name(n.clone()),
                }
            }
            ExprKind::Unary(op, a) => ExprKind::Unary(*op, Box::new(self.substitute(a, active))),
            ExprKind::Binary(op, a, b) => ExprKind::Binary(
                *op,
                Box::new(self.substitute(a, active)),
                Box::new(self.substitute(b, active)),
            ),
            ExprKind::Call {
                name,
                name_span,
                args,
            } => ExprKind::Call {
                name: name.clone(),
                name_span: *name_span,
                args: args.iter().map(|a| self.substitute(a, active)).collect(),
            },
            other => other.clone(),
        };
        Expr::new(kind, expr.span)
    }
}

#[cfg(test)]
mod tests {
    use crate::ast::{BinOp, ExprKind};
    use crate::check::testutil::*;
    use crate::check::{check_equations, check_statements, Scope};

    const TEXT: &str = "dv/dt = (I - v/R)/C : volt
I = g*(E - v) + Iext : amp
Iext = 2*I0 : amp
r = rand() : 1 (constant over dt)
g : siemens
E : volt
R : siemens
C : farad
I0 : amp";

    fn model() -> crate::check::Model {
        // R is declared in siemens so that v/R is not a current; fix it up for a valid model.
        let text = TEXT.replace("v/R", "v*R");
        check_equations(&equations(&text), &Scope::neuron_group(false)).unwrap()
    }

    #[test]
    fn substitution_inlines_recursively_and_keeps_spans() {
        let text = TEXT.replace("v/R", "v*R");
        let m = model();
        let rhs = m.get("v").unwrap().expr.clone().unwrap();
        let full = m.substitute_subexpressions(&rhs);
        let names = full.names();
        assert!(names.contains(&"I0") && names.contains(&"g") && !names.contains(&"I"));
        // The inlined `I` keeps the span of its definition.
        let ExprKind::Binary(BinOp::Div, num, _) = &full.kind else {
            panic!()
        };
        let ExprKind::Binary(BinOp::Sub, i, _) = &num.kind else {
            panic!()
        };
        assert_eq!(at(&text, i.span), "g*(E - v) + Iext");
        // `constant over dt` subexpressions stay names.
        let e = expr("r + 1");
        assert_eq!(m.substitute_subexpressions(&e).names(), ["r"]);
    }

    #[test]
    fn dependency_order() {
        let m = model();
        let order: Vec<_> = m
            .subexpressions_in_dependency_order()
            .iter()
            .map(|v| v.name.as_str())
            .collect();
        assert_eq!(order, ["Iext", "I", "r"]);
    }

    #[test]
    fn model_scope_marks_what_is_writable() {
        let m = model();
        let s = m.scope(&Scope::neuron_group(false));
        assert!(s.variable("v").unwrap().writable);
        assert!(s.variable("g").unwrap().writable);
        assert!(!s.variable("I").unwrap().writable);
        let d = check_statements(&statements("I = 1*nA"), &s).unwrap_err();
        assert_eq!(codes(&d), ["model::read_only_assignment"]);
        assert!(check_statements(&statements("v = E; g += 1*nA"), &s).is_err());
        assert!(check_statements(&statements("v = E"), &s).is_ok());
    }
}

#[cfg(test)]
mod growth_tests {
    use crate::check::testutil::equations;
    use crate::check::{check_equations, Scope};

    #[test]
    fn doubling_subexpressions_check_quickly() {
        // x_k = x_(k-1) + x_(k-1): inlining doubles at each level; checking must not.
        let mut text = String::from("x0 = v : 1\nv : 1\n");
        for k in 1..60 {
            text.push_str(&format!("x{k} = x{} + x{} : 1\n", k - 1, k - 1));
        }
        let start = std::time::Instant::now();
        let m = check_equations(&equations(&text), &Scope::neuron_group(false)).unwrap();
        let _ = m.scope(&Scope::neuron_group(false));
        assert!(start.elapsed().as_secs() < 5);
    }
}
