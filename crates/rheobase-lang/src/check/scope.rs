//! The names a code string may use, and how each resolves.
//!
//! Resolution order follows Brian2 (`Group._resolve`, `_resolve_external`): the group's own
//! variables (model variables and builtins such as `t`, `i`) first; then the default
//! constants (`pi`, `e`, `inf`), unit names and default functions; then the user's namespace.
//! Brian2 warns when a name found earlier also exists in the user's namespace;
//! [`Scope::shadowed_in_namespace`] tells the caller when that happens.

use crate::ast::VarType;
use crate::functions::{lookup_function, FunctionSpec};
use rheobase_units::{lookup_unit, Dimension, Quantity, Unit, UnitKind};
use std::borrow::Cow;
use std::collections::BTreeMap;

const SECOND: Dimension = Dimension::from_ints([0, 0, 1, 0, 0, 0, 0]);

/// What a variable is, for messages and for what may be written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VarKind {
    /// Defined by a differential equation.
    State,
    /// A parameter (`x : unit`).
    Parameter,
    /// A named expression (`x = expr : unit`).
    Subexpression,
    /// Provided by the runtime: `t`, `dt`, `i`, `N`, `lastspike`, `not_refractory`, ...
    Builtin,
}

/// A variable a code string may read, and maybe write.
#[derive(Clone, Debug, PartialEq)]
pub struct ScopeVariable {
    pub dim: Dimension,
    pub vtype: VarType,
    pub writable: bool,
    /// One value for the whole group (Brian2's `shared` flag / `scalar` variables).
    pub shared: bool,
    pub kind: VarKind,
    /// A subexpression whose definition contains white noise: allowed only where noise is.
    pub noisy: bool,
}

impl ScopeVariable {
    /// A writable, per-element variable.
    pub fn new(dim: Dimension, vtype: VarType, kind: VarKind) -> ScopeVariable {
        ScopeVariable {
            dim,
            vtype,
            writable: true,
            shared: false,
            kind,
            noisy: false,
        }
    }

    pub fn read_only(mut self) -> ScopeVariable {
        self.writable = false;
        self
    }

    pub fn shared(mut self) -> ScopeVariable {
        self.shared = true;
        self
    }
}

/// A value known when the code is checked: a unit, `pi`, or a constant from the user's namespace.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Constant {
    pub value: Quantity,
    pub vtype: VarType,
}

/// Where a constant came from (for messages).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConstantOrigin {
    /// `pi`, `e`, `inf`.
    Default,
    /// A unit name (`mV`).
    Unit,
    /// The user's namespace.
    Namespace,
}

/// What a name resolves to.
#[derive(Clone, Debug, PartialEq)]
pub enum Resolved<'a> {
    Variable(&'a ScopeVariable),
    Constant(Constant, ConstantOrigin),
    Function(Cow<'a, FunctionSpec>),
    /// White noise `xi` or `xi_<suffix>` (dimension second**-0.5).
    Noise,
}

#[derive(Clone, Debug, PartialEq)]
enum NamespaceEntry {
    Constant(Constant),
    Function(FunctionSpec),
}

/// The names visible to one code string.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scope {
    variables: BTreeMap<String, ScopeVariable>,
    namespace: BTreeMap<String, NamespaceEntry>,
    noise: bool,
}

/// Brian2's default constants.
fn default_constant(name: &str) -> Option<Constant> {
    let v = match name {
        "pi" => std::f64::consts::PI,
        "e" => std::f64::consts::E,
        "inf" => f64::INFINITY,
        _ => return None,
    };
    Some(Constant {
        value: Quantity::dimensionless(v),
        vtype: VarType::Float,
    })
}

/// A unit name Brian2 resolves by default (its `DEFAULT_UNITS`: every registered unit, not
/// the physical constants, which come from the user's namespace).
pub fn default_unit(name: &str) -> Option<Unit> {
    lookup_unit(name).filter(|u| u.kind == UnitKind::Unit)
}

/// `xi` or `xi_<suffix>`, Brian2's white-noise symbols.
pub fn is_noise_name(name: &str) -> bool {
    name == "xi" || name.strip_prefix("xi_").is_some_and(|s| !s.is_empty())
}

/// Dimension of white noise: second**-0.5.
pub fn noise_dimension() -> Dimension {
    SECOND.sqrt().inv()
}

impl Scope {
    pub fn new() -> Scope {
        Scope::default()
    }

    /// Adds (or replaces) a group variable; these shadow every other name.
    pub fn add_variable(&mut self, name: impl Into<String>, var: ScopeVariable) -> &mut Scope {
        self.variables.insert(name.into(), var);
        self
    }

    /// Adds a float constant from the user's namespace (`tau = 10*ms`).
    pub fn add_constant(&mut self, name: impl Into<String>, value: Quantity) -> &mut Scope {
        self.add_typed_constant(name, value, VarType::Float)
    }

    /// Adds a constant of a given type from the user's namespace (`N_exc = 3200` is an integer).
    pub fn add_typed_constant(
        &mut self,
        name: impl Into<String>,
        value: Quantity,
        vtype: VarType,
    ) -> &mut Scope {
        self.namespace.insert(
            name.into(),
            NamespaceEntry::Constant(Constant { value, vtype }),
        );
        self
    }

    /// Adds a function from the user's namespace (a `TimedArray`).
    pub fn add_function(&mut self, name: impl Into<String>, f: FunctionSpec) -> &mut Scope {
        self.namespace
            .insert(name.into(), NamespaceEntry::Function(f));
        self
    }

    /// Makes `xi` and `xi_*` resolve to white noise (they are still only accepted in
    /// differential equations).
    pub fn enable_noise(&mut self) -> &mut Scope {
        self.noise = true;
        self
    }

    pub fn noise_enabled(&self) -> bool {
        self.noise
    }

    /// The variables every `NeuronGroup` has: `t`, `dt`, `t_in_timesteps` (shared, read-only),
    /// `i` (integer index, read-only), `N` (shared integer, read-only), white noise, and with
    /// refractoriness `lastspike` (second) and `not_refractory` (boolean).
    pub fn add_neuron_group_builtins(&mut self, refractory: bool) -> &mut Scope {
        let dimless = Dimension::DIMENSIONLESS;
        let time = ScopeVariable::new(SECOND, VarType::Float, VarKind::Builtin)
            .read_only()
            .shared();
        self.add_variable("t", time.clone());
        self.add_variable("dt", time);
        self.add_variable(
            "t_in_timesteps",
            ScopeVariable::new(dimless, VarType::Integer, VarKind::Builtin)
                .read_only()
                .shared(),
        );
        self.add_variable(
            "i",
            ScopeVariable::new(dimless, VarType::Integer, VarKind::Builtin).read_only(),
        );
        self.add_variable(
            "N",
            ScopeVariable::new(dimless, VarType::Integer, VarKind::Builtin)
                .read_only()
                .shared(),
        );
        if refractory {
            self.add_variable(
                "lastspike",
                ScopeVariable::new(SECOND, VarType::Float, VarKind::Builtin),
            );
            self.add_variable(
                "not_refractory",
                ScopeVariable::new(dimless, VarType::Boolean, VarKind::Builtin),
            );
        }
        self.enable_noise();
        self
    }

    /// The variables every `Synapses` object has: `t`, `dt`, `t_in_timesteps`, `N` (shared,
    /// read-only), `i`, `j` (source and target index), `N_incoming`, `N_outgoing` (integers,
    /// read-only), and white noise. The caller adds `delay` per pathway, `lastupdate` for
    /// event-driven models, and the `_pre`/`_post` variables of the connected groups.
    pub fn add_synapse_builtins(&mut self) -> &mut Scope {
        let dimless = Dimension::DIMENSIONLESS;
        let time = ScopeVariable::new(SECOND, VarType::Float, VarKind::Builtin)
            .read_only()
            .shared();
        let index = ScopeVariable::new(dimless, VarType::Integer, VarKind::Builtin).read_only();
        self.add_variable("t", time.clone());
        self.add_variable("dt", time);
        self.add_variable("t_in_timesteps", index.clone().shared());
        self.add_variable("N", index.clone().shared());
        for name in ["i", "j", "N_incoming", "N_outgoing"] {
            self.add_variable(name, index.clone());
        }
        self.enable_noise();
        self
    }

    /// A scope with the `NeuronGroup` builtins (see [`Scope::add_neuron_group_builtins`]).
    pub fn neuron_group(refractory: bool) -> Scope {
        let mut s = Scope::new();
        s.add_neuron_group_builtins(refractory);
        s
    }

    pub fn variable(&self, name: &str) -> Option<&ScopeVariable> {
        self.variables.get(name)
    }

    /// Group variables, sorted by name.
    pub fn variables(&self) -> impl Iterator<Item = (&str, &ScopeVariable)> {
        self.variables.iter().map(|(n, v)| (n.as_str(), v))
    }

    /// Resolves a name in Brian2's order; `None` when nothing has that name.
    pub fn resolve(&self, name: &str) -> Option<Resolved<'_>> {
        if let Some(v) = self.variables.get(name) {
            return Some(Resolved::Variable(v));
        }
        if self.noise && is_noise_name(name) {
            return Some(Resolved::Noise);
        }
        if let Some(c) = default_constant(name) {
            return Some(Resolved::Constant(c, ConstantOrigin::Default));
        }
        if let Some(u) = default_unit(name) {
            let c = Constant {
                value: Quantity::new(u.scale, u.dim),
                vtype: VarType::Float,
            };
            return Some(Resolved::Constant(c, ConstantOrigin::Unit));
        }
        if let Some(f) = lookup_function(name) {
            return Some(Resolved::Function(Cow::Owned(f)));
        }
        match self.namespace.get(name)? {
            NamespaceEntry::Constant(c) => Some(Resolved::Constant(*c, ConstantOrigin::Namespace)),
            NamespaceEntry::Function(f) => Some(Resolved::Function(Cow::Borrowed(f))),
        }
    }

    /// True when `name` is in the user's namespace but resolves to something found earlier
    /// (a group variable, a unit, a default constant or function). Brian2 warns about this.
    pub fn shadowed_in_namespace(&self, name: &str) -> bool {
        self.namespace.contains_key(name)
            && (self.variables.contains_key(name)
                || (self.noise && is_noise_name(name))
                || default_constant(name).is_some()
                || default_unit(name).is_some()
                || lookup_function(name).is_some())
    }

    /// Names of group variables and namespace constants with this dimension, sorted, for
    /// help lines such as "e.g. `I/C`".
    pub fn names_with_dimension(&self, dim: &Dimension) -> Vec<String> {
        let vars = self
            .variables
            .iter()
            .filter(|(_, v)| v.dim == *dim && v.kind != VarKind::Builtin)
            .map(|(n, _)| n.clone());
        let consts = self.namespace.iter().filter_map(|(n, e)| match e {
            NamespaceEntry::Constant(c) if c.value.dim == *dim => Some(n.clone()),
            _ => None,
        });
        vars.chain(consts).collect()
    }

    /// Names close to `name` (for "did you mean"): group variables, namespace entries, default
    /// functions and constants, and the unit name if `name` differs from one only in case.
    pub fn similar_names(&self, name: &str, functions_only: bool) -> Vec<String> {
        let mut candidates: Vec<&str> = Vec::new();
        if !functions_only {
            candidates.extend(self.variables.keys().map(|s| s.as_str()));
            candidates.extend(["pi", "e", "inf"]);
        }
        for (n, entry) in &self.namespace {
            let is_fn = matches!(entry, NamespaceEntry::Function(_));
            if is_fn == functions_only {
                candidates.push(n);
            }
        }
        if functions_only {
            candidates.extend(crate::functions::Builtin::ALL.iter().map(|b| b.name()));
        }
        let len = name.chars().count();
        let limit = (len / 3).max(1);
        // A name that extends another (`tau` for `tau_c`) counts as one edit.
        let score = |c: &str| {
            let n = c.chars().count();
            let extends = (c.starts_with(name) || name.starts_with(c))
                && n.min(len) >= 2
                && n.abs_diff(len) <= 3;
            if extends {
                1
            } else {
                edit_distance(name, c)
            }
        };
        let mut scored: Vec<(usize, &str)> = candidates
            .into_iter()
            .filter(|c| *c != name)
            .map(|c| (score(c), c))
            .filter(|(d, _)| *d <= limit)
            .collect();
        scored.sort();
        scored.dedup();
        let best = scored.first().map(|(d, _)| *d);
        scored
            .into_iter()
            .filter(|(d, _)| Some(*d) == best)
            .take(3)
            .map(|(_, c)| c.to_string())
            .collect()
    }
}

/// Brian2's warnings for names that the user's namespace defines but something earlier in
/// the resolution order shadows (`e` in the namespace is still Euler's number; a namespace
/// `N` does not replace the group's `N`). One warning per name, in order of first use.
pub fn shadowing_warnings(
    expr: &crate::ast::Expr,
    scope: &Scope,
) -> crate::diagnostic::Diagnostics {
    use crate::diagnostic::{Diagnostic, Severity};
    let mut out = crate::diagnostic::Diagnostics::new();
    let mut seen: Vec<&str> = Vec::new();
    expr.visit(&mut |e| {
        let (name, span) = match &e.kind {
            crate::ast::ExprKind::Name(n) => (n.as_str(), e.span),
            crate::ast::ExprKind::Call {
                name, name_span, ..
            } => (name.as_str(), *name_span),
            _ => return,
        };
        if seen.contains(&name) || !scope.shadowed_in_namespace(name) {
            return;
        }
        seen.push(name);
        let used = match scope.resolve(name) {
            Some(Resolved::Variable(_)) => "the group's own variable",
            Some(Resolved::Noise) => "white noise",
            Some(Resolved::Constant(_, ConstantOrigin::Unit)) => "the unit",
            Some(Resolved::Function(_)) => "the built-in function",
            _ => "the built-in constant",
        };
        let mut d = Diagnostic::error(
            "model::ambiguous_name",
            format!("`{name}` is defined in the namespace, but here it refers to {used} `{name}`"),
        )
        .with_primary(span, used)
        .with_help("rename the namespace entry if you meant it");
        d.severity = Severity::Warning;
        out.push(d);
    });
    out
}

/// Levenshtein distance between two names, counting a swap of neighbours as one edit.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev2: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cur[j] = cur[j].min(prev2[j - 2] + 1);
            }
        }
        prev2 = std::mem::replace(&mut prev, cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::{Builtin, UserFunction};

    const VOLT: Dimension = Dimension::from_ints([2, 1, -3, -1, 0, 0, 0]);

    #[test]
    fn group_variables_shadow_everything() {
        let mut s = Scope::new();
        s.add_variable(
            "e",
            ScopeVariable::new(VOLT, VarType::Float, VarKind::Parameter),
        );
        assert!(matches!(s.resolve("e"), Some(Resolved::Variable(v)) if v.dim == VOLT));
    }

    #[test]
    fn defaults_come_before_the_user_namespace() {
        let mut s = Scope::new();
        s.add_constant("e", Quantity::dimensionless(5.0));
        s.add_constant("tau", Quantity::new(0.01, SECOND));
        match s.resolve("e") {
            Some(Resolved::Constant(c, ConstantOrigin::Default)) => {
                assert_eq!(c.value.value, std::f64::consts::E)
            }
            other => panic!("{other:?}"),
        }
        assert!(s.shadowed_in_namespace("e"));
        assert!(!s.shadowed_in_namespace("tau"));
        match s.resolve("tau") {
            Some(Resolved::Constant(c, ConstantOrigin::Namespace)) => {
                assert_eq!(c.value.dim, SECOND)
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(s.resolve("faraday_constant"), None);
        match s.resolve("mV") {
            Some(Resolved::Constant(c, ConstantOrigin::Unit)) => assert_eq!(c.value.dim, VOLT),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            s.resolve("exp"),
            Some(Resolved::Function(f)) if *f == FunctionSpec::Builtin(Builtin::Exp)
        ));
        assert_eq!(s.resolve("nothing"), None);
    }

    #[test]
    fn shadowing_is_reported_as_a_warning() {
        let mut s = Scope::neuron_group(false);
        s.add_constant("e", Quantity::dimensionless(5.0));
        s.add_typed_constant("N", Quantity::dimensionless(3.0), VarType::Integer);
        s.add_constant("x", Quantity::dimensionless(1.0));
        let span = crate::span::Span::default();
        let e = crate::ast::Expr::binary(
            crate::ast::BinOp::Add,
            crate::ast::Expr::name("e", span),
            crate::ast::Expr::binary(
                crate::ast::BinOp::Mul,
                crate::ast::Expr::name("N", span),
                crate::ast::Expr::name("x", span),
                span,
            ),
            span,
        );
        let w = shadowing_warnings(&e, &s);
        let msgs: Vec<_> = w.iter().map(|d| (d.severity, d.message.as_str())).collect();
        assert_eq!(
            msgs,
            [
                (
                    crate::diagnostic::Severity::Warning,
                    "`e` is defined in the namespace, but here it refers to the built-in constant `e`"
                ),
                (
                    crate::diagnostic::Severity::Warning,
                    "`N` is defined in the namespace, but here it refers to the group's own variable `N`"
                ),
            ]
        );
    }

    #[test]
    fn user_functions_resolve() {
        let mut s = Scope::new();
        let f = FunctionSpec::User(UserFunction {
            name: "stim".into(),
            arg_dims: vec![Some(SECOND)],
            return_dim: VOLT,
            return_type: VarType::Float,
            stateless: true,
        });
        s.add_function("stim", f.clone());
        assert!(matches!(s.resolve("stim"), Some(Resolved::Function(g)) if *g == f));
        assert!(!s.shadowed_in_namespace("stim"));
    }

    #[test]
    fn neuron_group_builtins() {
        let s = Scope::neuron_group(true);
        let t = s.variable("t").unwrap();
        assert!(t.shared && !t.writable && t.dim == SECOND);
        let i = s.variable("i").unwrap();
        assert!(!i.shared && i.vtype == VarType::Integer);
        assert_eq!(
            s.variable("not_refractory").unwrap().vtype,
            VarType::Boolean
        );
        assert_eq!(s.resolve("xi_2"), Some(Resolved::Noise));
        assert_eq!(s.resolve("xi_"), None);
        assert!(Scope::neuron_group(false).variable("lastspike").is_none());
        assert_eq!(noise_dimension().base_string(), "s^-0.5");
    }

    #[test]
    fn synapse_builtins() {
        let mut s = Scope::new();
        s.add_synapse_builtins();
        let j = s.variable("j").unwrap();
        assert!(!j.shared && !j.writable && j.vtype == VarType::Integer);
        assert!(s.variable("N").unwrap().shared);
        assert!(s.variable("lastspike").is_none());
        assert!(s.noise_enabled());
    }

    #[test]
    fn suggestions() {
        let mut s = Scope::new();
        for n in ["tau_m", "v", "El", "gNa"] {
            s.add_variable(
                n,
                ScopeVariable::new(VOLT, VarType::Float, VarKind::Parameter),
            );
        }
        assert_eq!(s.similar_names("tau_n", false), vec!["tau_m".to_string()]);
        assert_eq!(s.similar_names("gna", false), vec!["gNa".to_string()]);
        assert!(s.similar_names("zzzzzz", false).is_empty());
        assert_eq!(s.similar_names("epx", true), vec!["exp".to_string()]);
        assert_eq!(edit_distance("abc", "acb"), 1);
    }
}
