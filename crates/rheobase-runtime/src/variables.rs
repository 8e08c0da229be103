//! The variables of a group: names mapped to arrays (with dimension, type and flags) or to
//! subexpressions, and the resolver that lowering uses for the group's code.

use crate::kernel::ScalarSource;
use crate::lower::{ArrayVar, Resolved, Resolver, TableFunction};
use crate::namespace::Namespace;
use crate::state::StoreId;
use rheobase_codegen::ElemType;
use rheobase_lang::{ast, VarType};
use rheobase_units::{lookup_unit, Dimension};
use std::collections::HashMap;

/// One named variable of a group.
#[derive(Clone, Debug, PartialEq)]
pub enum Variable {
    /// A state variable or parameter stored in an array (one value per element, or one in
    /// total when shared).
    Array {
        id: StoreId,
        dim: Dimension,
        vtype: VarType,
        shared: bool,
        /// Users and code cannot assign it (`lastspike`, `i`-like internals, `(constant)` in
        /// run-time code).
        read_only: bool,
        /// `(constant)`: user-settable, but not by model code during a run.
        constant: bool,
        /// Set for `(unless refractory)` variables: writes are guarded by `not_refractory`.
        write_guard: Option<StoreId>,
    },
    /// `x = expr : unit`; inlined where used. `stored` holds the per-step value of a
    /// `(constant over dt)` subexpression.
    Subexpression {
        expr: ast::Expr,
        dim: Dimension,
        vtype: VarType,
        shared: bool,
        stored: Option<StoreId>,
    },
}

impl Variable {
    pub fn dim(&self) -> Dimension {
        match self {
            Variable::Array { dim, .. } | Variable::Subexpression { dim, .. } => *dim,
        }
    }

    pub fn is_shared(&self) -> bool {
        match self {
            Variable::Array { shared, .. } | Variable::Subexpression { shared, .. } => *shared,
        }
    }
}

/// What a user may know about a variable (the Python layer converts values with it).
#[derive(Clone, Debug, PartialEq)]
pub struct VariableInfo {
    pub dim: Dimension,
    pub vtype: VarType,
    pub shared: bool,
    /// Users may not set it (subexpressions, internal variables).
    pub read_only: bool,
    pub is_subexpression: bool,
    /// Stored in single precision ([`crate::Network::set_float_type`]).
    pub single_precision: bool,
}

impl Variable {
    /// What users may know about the variable; `store` tells the storage precision.
    pub fn info_in(&self, store: &crate::state::ArrayStore) -> VariableInfo {
        let mut info = self.info();
        if let Variable::Array { id, .. } = self {
            info.single_precision = store.elem_type(*id) == ElemType::F32;
        }
        info
    }

    pub fn info(&self) -> VariableInfo {
        match self {
            Variable::Array {
                dim,
                vtype,
                shared,
                read_only,
                ..
            } => VariableInfo {
                dim: *dim,
                vtype: *vtype,
                shared: *shared,
                read_only: *read_only,
                is_subexpression: false,
                single_precision: false,
            },
            Variable::Subexpression {
                dim, vtype, shared, ..
            } => VariableInfo {
                dim: *dim,
                vtype: *vtype,
                shared: *shared,
                read_only: true,
                is_subexpression: true,
                single_precision: false,
            },
        }
    }
}

/// How float state variables are stored ([`crate::Network::set_float_type`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FloatType {
    /// Double precision (the default).
    #[default]
    F64,
    /// Single precision: values are rounded when stored, computed in double precision.
    F32,
}

/// The storage type of a state variable or parameter of the given value type.
pub fn stored_type(vtype: VarType, float_type: FloatType) -> ElemType {
    match (vtype, float_type) {
        (VarType::Float, FloatType::F32) => ElemType::F32,
        _ => elem_type(vtype),
    }
}

/// The storage type of a variable of the given value type, in double precision.
pub fn elem_type(vtype: VarType) -> ElemType {
    match vtype {
        VarType::Float => ElemType::F64,
        VarType::Integer => ElemType::I32,
        VarType::Boolean => ElemType::Bool,
    }
}

/// Where a `(linked)` variable reads from. The variable itself is a read-only
/// [`Variable::Array`] whose id is a placeholder; code reads it as
/// `placeholder[index[_idx]]`. Linking makes the placeholder an alias of the target's array
/// and fills `index` (or makes it an alias of an index variable), so kernels compiled before
/// the link read the target too.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkSlot {
    pub placeholder: StoreId,
    /// One absolute index into the target's array per element.
    pub index: StoreId,
    /// `group.variable` once linked.
    pub target: Option<String>,
}

/// Names of a group, in definition order, and the table functions (TimedArrays) its code
/// may call.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Variables {
    order: Vec<String>,
    map: HashMap<String, Variable>,
    functions: std::collections::BTreeMap<String, (TableFunction, Dimension)>,
    linked: std::collections::BTreeMap<String, LinkSlot>,
}

impl Variables {
    pub fn insert(&mut self, name: impl Into<String>, var: Variable) {
        let name = name.into();
        if self.map.insert(name.clone(), var).is_none() {
            self.order.push(name);
        }
    }

    pub fn get(&self, name: &str) -> Option<&Variable> {
        self.map.get(name)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.order.iter().map(|s| s.as_str())
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Variable)> {
        self.order.iter().map(|n| (n.as_str(), &self.map[n]))
    }

    /// Declares `name` (already inserted as a read-only array) a linked variable.
    pub fn insert_link(&mut self, name: impl Into<String>, slot: LinkSlot) {
        self.linked.insert(name.into(), slot);
    }

    pub fn link(&self, name: &str) -> Option<&LinkSlot> {
        self.linked.get(name)
    }

    pub fn link_mut(&mut self, name: &str) -> Option<&mut LinkSlot> {
        self.linked.get_mut(name)
    }

    /// The linked variables, sorted by name.
    pub fn links(&self) -> impl Iterator<Item = (&str, &LinkSlot)> {
        self.linked.iter().map(|(n, s)| (n.as_str(), s))
    }

    /// Makes a table function callable as `name` with results of dimension `dim`.
    pub fn insert_function(&mut self, name: impl Into<String>, f: TableFunction, dim: Dimension) {
        self.functions.insert(name.into(), (f, dim));
    }

    pub fn function(&self, name: &str) -> Option<&(TableFunction, Dimension)> {
        self.functions.get(name)
    }

    /// The table functions, sorted by name, with their result dimensions.
    pub fn functions(&self) -> impl Iterator<Item = (&str, &TableFunction, Dimension)> {
        self.functions.iter().map(|(n, (f, d))| (n.as_str(), f, *d))
    }
}

/// How code of a group sees `(constant over dt)` subexpressions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubexpressionMode {
    /// Read their stored value (all code except the update that computes them).
    ReadStored,
    /// Inline their expression (the `subexpression_update` kernel and state access outside runs).
    Inline,
}

/// Resolves names for code of one group or subgroup.
pub struct GroupResolver<'a> {
    pub variables: &'a Variables,
    pub namespace: &'a Namespace,
    /// First element of the (sub)group in the group's arrays; `i` counts from here.
    pub offset: usize,
    /// Number of elements of the (sub)group: `N`.
    pub n: usize,
    pub subexpressions: SubexpressionMode,
    /// Extra names visible to this code only (a monitor's or an event's internals).
    pub extra: HashMap<String, Resolved>,
    /// External constants as their current values (one-off code: state access), instead
    /// of reads from their cells (code run at every step, which `run()` keeps up to date).
    pub constants_now: bool,
}

impl<'a> GroupResolver<'a> {
    pub fn new(
        variables: &'a Variables,
        namespace: &'a Namespace,
        offset: usize,
        n: usize,
    ) -> GroupResolver<'a> {
        GroupResolver {
            variables,
            namespace,
            offset,
            n,
            subexpressions: SubexpressionMode::ReadStored,
            extra: HashMap::new(),
            constants_now: false,
        }
    }
}

impl Resolver for GroupResolver<'_> {
    fn resolve(&self, name: &str) -> Option<Resolved> {
        if let Some(r) = self.extra.get(name) {
            return Some(r.clone());
        }
        if let (Some(slot), Some(Variable::Array { vtype, .. })) =
            (self.variables.link(name), self.variables.get(name))
        {
            return Some(Resolved::Gathered {
                var: ArrayVar {
                    id: slot.placeholder,
                    name: name.to_string(),
                    ty: elem_type(*vtype),
                    shared: false,
                    writable: false,
                    write_guard: None,
                },
                via: slot.index,
            });
        }
        if let Some(var) = self.variables.get(name) {
            return Some(match var {
                Variable::Array {
                    id,
                    vtype,
                    shared,
                    read_only,
                    write_guard,
                    ..
                } => Resolved::Array(ArrayVar {
                    id: *id,
                    name: name.to_string(),
                    ty: elem_type(*vtype),
                    shared: *shared,
                    writable: !*read_only,
                    write_guard: *write_guard,
                }),
                Variable::Subexpression {
                    expr,
                    shared,
                    stored,
                    vtype,
                    ..
                } => match (stored, self.subexpressions) {
                    (Some(id), SubexpressionMode::ReadStored) => Resolved::Array(ArrayVar {
                        id: *id,
                        name: name.to_string(),
                        ty: elem_type(*vtype),
                        shared: *shared,
                        writable: false,
                        write_guard: None,
                    }),
                    _ => Resolved::Subexpression {
                        expr: expr.clone(),
                        shared: *shared,
                    },
                },
            });
        }
        match name {
            "t" => {
                return Some(Resolved::Scalar {
                    name: "t".into(),
                    source: ScalarSource::Time,
                })
            }
            "dt" => {
                return Some(Resolved::Scalar {
                    name: "dt".into(),
                    source: ScalarSource::Dt,
                })
            }
            "i" => {
                return Some(Resolved::Index {
                    offset: self.offset,
                })
            }
            "N" => return Some(Resolved::Const(self.n as f64)),
            _ => {}
        }
        // Units and default constants come first, as in Brian2 (and in the checker).
        if let Some(x) = builtin_constant(name) {
            return Some(Resolved::Const(x));
        }
        if self.constants_now {
            return self.namespace.get(name).map(|q| Resolved::Const(q.value));
        }
        self.namespace.cell(name).map(|cell| Resolved::Scalar {
            name: name.into(),
            source: ScalarSource::External(cell.clone()),
        })
    }

    fn function(&self, name: &str) -> Option<TableFunction> {
        self.variables.function(name).map(|(f, _)| f.clone())
    }
}

/// Constants every code string sees: `pi`, `e`, `inf`, `True`/`False` and unit names.
pub fn builtin_constant(name: &str) -> Option<f64> {
    match name {
        "pi" => Some(std::f64::consts::PI),
        "e" => Some(std::f64::consts::E),
        "inf" => Some(f64::INFINITY),
        "True" | "true" => Some(1.0),
        "False" | "false" => Some(0.0),
        _ => lookup_unit(name).map(|u| u.scale),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rheobase_units::Quantity;

    #[test]
    fn resolves_variables_builtins_namespace_and_units() {
        let mut vars = Variables::default();
        vars.insert(
            "v",
            Variable::Array {
                id: StoreId(3),
                dim: Dimension::DIMENSIONLESS,
                vtype: VarType::Float,
                shared: false,
                read_only: false,
                constant: false,
                write_guard: None,
            },
        );
        let mut ns = HashMap::new();
        ns.insert("tau".to_string(), Quantity::dimensionless(0.5));
        let ns = Namespace::new(ns);
        let r = GroupResolver::new(&vars, &ns, 4, 6);
        assert!(matches!(r.resolve("v"), Some(Resolved::Array(a)) if a.id == StoreId(3)));
        assert_eq!(r.resolve("N"), Some(Resolved::Const(6.0)));
        assert_eq!(r.resolve("i"), Some(Resolved::Index { offset: 4 }));
        match r.resolve("tau") {
            Some(Resolved::Scalar {
                source: ScalarSource::External(c),
                ..
            }) => assert_eq!(c.get(), 0.5),
            other => panic!("tau resolved to {other:?}"),
        }
        // one-off code reads the value now and leaves the constant unused
        let fresh = Namespace::new(HashMap::from([(
            "tau".to_string(),
            Quantity::dimensionless(0.5),
        )]));
        let mut once = GroupResolver::new(&vars, &fresh, 4, 6);
        once.constants_now = true;
        assert_eq!(once.resolve("tau"), Some(Resolved::Const(0.5)));
        assert!(fresh.used().is_empty());
        assert_eq!(r.resolve("mV"), Some(Resolved::Const(1e-3)));
        assert_eq!(r.resolve("nothing"), None);
    }
}
