//! Lowering of checked expressions and statements to kernel IR.
//!
//! Names are resolved through a [`Resolver`] (the group's variables, builtins, the namespace):
//! group variables become loads from their arrays (by element or shared), `t` and `dt` kernel
//! scalars, `i` the element index minus the subgroup offset, external constants SI constants,
//! and subexpressions are inlined. Statements whose target and value are scalar (shared
//! variables, scalar temporaries) go into the kernel's prologue, as Brian2 runs them once.

use crate::kernel::{KernelBuilder, ScalarSource};
use crate::state::StoreId;
use rheobase_codegen::{
    BinaryOp, ElemType, Expr as IrExpr, Index, MathFn, RandKind, Stmt, TempId, UnaryOp,
};
use rheobase_lang::{ast, AssignOp, BinOp, Diagnostic, Diagnostics, ExprKind, Span, UnOp};
use std::collections::HashMap;

/// What a name in user code stands for.
#[derive(Clone, Debug, PartialEq)]
pub enum Resolved {
    /// A variable stored in an array of the store.
    Array(ArrayVar),
    /// A variable of another group read and written through an index array of this object
    /// (`v_post` in synaptic code: `v[_synaptic_post[_idx]]`).
    Gathered { var: ArrayVar, via: StoreId },
    /// A subexpression, inlined where it is used.
    Subexpression { expr: ast::Expr, shared: bool },
    /// A kernel scalar argument (`t`, `dt`).
    Scalar { name: String, source: ScalarSource },
    /// The element index relative to the (sub)group start: `i`.
    Index { offset: usize },
    /// A constant in SI units (`N`, namespace entries, unit names).
    Const(f64),
}

/// A variable stored in an array.
#[derive(Clone, Debug, PartialEq)]
pub struct ArrayVar {
    pub id: StoreId,
    /// Name for the kernel's array declaration.
    pub name: String,
    pub ty: ElemType,
    /// One value for the whole group (`(shared)`).
    pub shared: bool,
    pub writable: bool,
    /// Writes are skipped where this boolean array is false (`(unless refractory)` variables
    /// guarded by `not_refractory`), when the statements ask for conditional writes.
    pub write_guard: Option<StoreId>,
}

/// A function of user code backed by a read-only table of values in the store (Brian2's
/// `TimedArray`): `f(t)` for one column, `f(t, i)` for a table of time x columns. The value is
/// the row `int((t/epsilon + 0.5)/K)` clamped to the table (Brian2's rule, with
/// `epsilon = dt/K` and `K` the upsampling factor for the caller's time step), and NaN for a
/// column outside the table.
#[derive(Clone, Debug, PartialEq)]
pub struct TableFunction {
    /// The values, row-major (time, column), in SI units.
    pub values: StoreId,
    pub rows: usize,
    /// `None` for a one-dimensional table (`f(t)`).
    pub cols: Option<usize>,
    /// Time between rows, in seconds.
    pub dt: f64,
}

/// Resolves the names of one object's code.
pub trait Resolver {
    fn resolve(&self, name: &str) -> Option<Resolved>;
    /// A table function (TimedArray) the code may call by this name.
    fn function(&self, _name: &str) -> Option<TableFunction> {
        None
    }
}

/// One assignment to lower: a user statement or an integrator's update statement.
#[derive(Clone, Debug, PartialEq)]
pub struct Assignment {
    pub target: String,
    pub target_span: Span,
    pub op: AssignOp,
    pub value: ast::Expr,
    /// A kernel-local temporary (integrator intermediates such as `_k1_v`).
    pub is_temp: bool,
}

impl Assignment {
    pub fn from_statement(s: &ast::Statement) -> Assignment {
        Assignment {
            target: s.target.clone(),
            target_span: s.target_span,
            op: s.op,
            value: s.value.clone(),
            is_temp: false,
        }
    }

    /// `target = value` for a temporary or a variable.
    pub fn set(target: impl Into<String>, value: ast::Expr, is_temp: bool) -> Assignment {
        Assignment {
            target: target.into(),
            target_span: value.span,
            op: AssignOp::Set,
            value,
            is_temp,
        }
    }
}

/// Lowers code into one kernel under construction.
pub struct Lowerer<'a> {
    b: &'a mut KernelBuilder,
    resolver: &'a dyn Resolver,
    /// Named temporaries: id and whether the value is the same for every element.
    temps: HashMap<String, (TempId, bool)>,
    /// Subexpressions being inlined (to report cycles instead of recursing forever).
    inlining: Vec<String>,
    /// Apply `write_guard`s (false for resets, which must write refractory neurons).
    pub conditional_writes: bool,
}

type LowerResult<T> = Result<T, Diagnostic>;

impl<'a> Lowerer<'a> {
    pub fn new(b: &'a mut KernelBuilder, resolver: &'a dyn Resolver) -> Lowerer<'a> {
        Lowerer {
            b,
            resolver,
            temps: HashMap::new(),
            inlining: Vec::new(),
            conditional_writes: false,
        }
    }

    pub fn builder(&mut self) -> &mut KernelBuilder {
        self.b
    }

    /// Lowers statements in order, putting scalar ones in the prologue; every error of the
    /// block is reported.
    pub fn statements(&mut self, code: &[Assignment]) -> Result<(), Diagnostics> {
        let mut errors = Diagnostics::new();
        for a in code {
            if let Err(d) = self.statement(a) {
                errors.push(d);
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    fn statement(&mut self, a: &Assignment) -> LowerResult<()> {
        let value_scalar = self.is_scalar(&a.value)?;
        if a.is_temp || self.temps.contains_key(&a.target) {
            // A random draw in a temporary is one draw per element (the integrators' noise
            // terms `_xi = randn()*...`), never one shared draw in the prologue.
            let scalar = value_scalar && !calls_random(&a.value);
            return self.temp_assignment(a, scalar);
        }
        let (var, via) = match self.resolver.resolve(&a.target) {
            Some(Resolved::Array(var)) => (var, None),
            Some(Resolved::Gathered { var, via }) => (var, Some(via)),
            Some(_) => {
                return Err(Diagnostic::error(
                    "model::read_only_variable",
                    format!("cannot assign to '{}'", a.target),
                )
                .with_primary(a.target_span, "not a state variable"))
            }
            // Brian2: `x = expr` with an unknown `x` defines a temporary for later lines.
            None if a.op == AssignOp::Set => return self.temp_assignment(a, value_scalar),
            None => {
                return Err(Diagnostic::error(
                    "model::undefined_identifier",
                    format!("unknown variable '{}'", a.target),
                )
                .with_primary(a.target_span, "not defined"))
            }
        };
        if !var.writable {
            return Err(Diagnostic::error(
                "model::read_only_variable",
                format!("variable '{}' is read-only", a.target),
            )
            .with_primary(a.target_span, "cannot be assigned"));
        }
        if let Some(via) = via {
            let value = self.expr(&a.value)?;
            let value = self.hoist(value);
            let arr = self.b.array(var.id, &var.name, var.ty, true);
            let idx = self.b.array(via, "_gather_index", ElemType::I32, false);
            let index = Index::Gather(idx);
            let value = combine(a.op, IrExpr::Load(arr, index.clone()), value);
            let mut stmt = Stmt::Store {
                array: arr,
                index,
                value,
            };
            // As in Brian2, synaptic writes to an `(unless refractory)` variable skip
            // refractory neurons (always: only resets override this).
            if let Some(guard) = var.write_guard {
                let g = self.b.array(guard, "not_refractory", ElemType::Bool, false);
                stmt = Stmt::If {
                    cond: IrExpr::Load(g, Index::Gather(idx)),
                    then: vec![stmt],
                    otherwise: vec![],
                };
            }
            self.b.body.push(stmt);
            return Ok(());
        }
        if var.shared && !value_scalar {
            return Err(Diagnostic::error(
                "model::shared_from_vector",
                format!(
                    "cannot assign a value that differs between elements to the shared variable '{}'",
                    a.target
                ),
            )
            .with_primary(a.value.span, "depends on the element"));
        }
        let value = self.expr(&a.value)?;
        let value = if var.shared { value } else { self.hoist(value) };
        let arr = self.b.array(var.id, &var.name, var.ty, true);
        let index = if var.shared {
            Index::Shared
        } else {
            Index::Elem
        };
        let value = combine(a.op, IrExpr::Load(arr, index.clone()), value);
        let mut stmt = Stmt::Store {
            array: arr,
            index,
            value,
        };
        if let (true, Some(guard)) = (self.conditional_writes, var.write_guard) {
            let g = self.b.array(guard, "not_refractory", ElemType::Bool, false);
            stmt = Stmt::If {
                cond: IrExpr::Load(g, Index::Elem),
                then: vec![stmt],
                otherwise: vec![],
            };
        }
        if var.shared {
            self.b.prologue.push(stmt);
        } else {
            self.b.body.push(stmt);
        }
        Ok(())
    }

    fn temp_assignment(&mut self, a: &Assignment, value_scalar: bool) -> LowerResult<()> {
        let existing = self.temps.get(&a.target).copied();
        if existing.is_none() && a.op != AssignOp::Set {
            return Err(Diagnostic::error(
                "model::undefined_identifier",
                format!("'{}' is updated before it is assigned", a.target),
            )
            .with_primary(a.target_span, "not assigned yet"));
        }
        // A temporary stays scalar (in the prologue) only while every assignment is scalar.
        let scalar = value_scalar && existing.is_none_or(|(_, s)| s);
        let id = match existing {
            Some((id, _)) => id,
            None => self.b.fresh_temp(),
        };
        self.temps.insert(a.target.clone(), (id, scalar));
        let value = self.expr(&a.value)?;
        let value = if scalar { value } else { self.hoist(value) };
        let value = combine(a.op, IrExpr::Temp(id), value);
        let stmt = Stmt::Let(id, value);
        if scalar {
            self.b.prologue.push(stmt);
        } else {
            self.b.body.push(stmt);
        }
        Ok(())
    }

    /// Lowers an expression evaluated per element, computing its element-independent parts
    /// once per call (see [`Lowerer::hoist`]).
    pub fn vector_expr(&mut self, e: &ast::Expr) -> LowerResult<IrExpr> {
        let lowered = self.expr(e)?;
        Ok(self.hoist(lowered))
    }

    /// Moves every maximal element-independent subexpression that does some work (such as
    /// `timestep(refractory, dt)` or `exp(-dt/tau)`) out of the element loop: it is computed
    /// once after the prologue and read from a temporary. Loads of shared variables count as
    /// element-independent: code in the loop never writes them.
    pub fn hoist(&mut self, e: IrExpr) -> IrExpr {
        if self.invariant(&e) {
            if matches!(e, IrExpr::Const(_) | IrExpr::Scalar(_) | IrExpr::Temp(_)) {
                return e;
            }
            let t = self.b.fresh_temp();
            self.b.hoisted.push(Stmt::Let(t, e));
            return IrExpr::Temp(t);
        }
        match e {
            IrExpr::Unary(op, a) => IrExpr::Unary(op, Box::new(self.hoist(*a))),
            IrExpr::Binary(op, a, b) => {
                let a = self.hoist(*a);
                IrExpr::Binary(op, Box::new(a), Box::new(self.hoist(*b)))
            }
            IrExpr::Call(f, args) => {
                IrExpr::Call(f, args.into_iter().map(|a| self.hoist(a)).collect())
            }
            IrExpr::Select(c, a, b) => {
                let c = self.hoist(*c);
                let a = self.hoist(*a);
                IrExpr::select(c, a, self.hoist(*b))
            }
            IrExpr::Rand {
                kind: RandKind::Poisson(mean),
                site,
            } => IrExpr::Rand {
                kind: RandKind::Poisson(Box::new(self.hoist(*mean))),
                site,
            },
            other => other,
        }
    }

    /// Whether a lowered expression is the same for every element of a call.
    fn invariant(&self, e: &IrExpr) -> bool {
        match e {
            IrExpr::Const(_) | IrExpr::Scalar(_) => true,
            IrExpr::Temp(t) => {
                self.temps.values().any(|&(id, scalar)| id == *t && scalar)
                    || self
                        .b
                        .hoisted
                        .iter()
                        .any(|s| matches!(s, Stmt::Let(h, _) if h == t))
            }
            IrExpr::Load(_, Index::Shared) => true,
            IrExpr::Load(..) | IrExpr::ElemIndex | IrExpr::Rand { .. } => false,
            IrExpr::Unary(_, a) => self.invariant(a),
            IrExpr::Binary(_, a, b) => self.invariant(a) && self.invariant(b),
            IrExpr::Call(_, args) => args.iter().all(|a| self.invariant(a)),
            IrExpr::Select(c, a, b) => self.invariant(c) && self.invariant(a) && self.invariant(b),
        }
    }

    /// Whether an expression has the same value for every element.
    pub fn is_scalar(&mut self, e: &ast::Expr) -> LowerResult<bool> {
        let mut scalar = true;
        let mut err = None;
        e.visit(&mut |node| {
            if let ExprKind::Name(n) = &node.kind {
                if let Some(&(_, s)) = self.temps.get(n) {
                    scalar &= s;
                    return;
                }
                match self.resolver.resolve(n) {
                    Some(Resolved::Array(v)) => scalar &= v.shared,
                    Some(Resolved::Subexpression { shared, .. }) => scalar &= shared,
                    Some(Resolved::Gathered { .. }) => scalar = false,
                    Some(Resolved::Index { .. }) => scalar = false,
                    Some(_) => {}
                    None => err = Some(undefined(n, node.span)),
                }
            }
        });
        match err {
            Some(d) => Err(d),
            None => Ok(scalar),
        }
    }

    /// Lowers one expression.
    pub fn expr(&mut self, e: &ast::Expr) -> LowerResult<IrExpr> {
        Ok(match &e.kind {
            ExprKind::Float(x) => IrExpr::Const(*x),
            ExprKind::Int(k) => IrExpr::Const(*k as f64),
            ExprKind::Bool(b) => IrExpr::Const(f64::from(u8::from(*b))),
            ExprKind::Name(n) => self.name(n, e.span)?,
            ExprKind::Unary(op, a) => {
                let a = self.expr(a)?;
                match op {
                    UnOp::Pos => a,
                    UnOp::Neg => IrExpr::un(UnaryOp::Neg, a),
                    UnOp::Not => IrExpr::un(UnaryOp::Not, a),
                }
            }
            ExprKind::Binary(BinOp::Div, a, b) if literal_divisor(b).is_some() => {
                // Brian2 passes every code string through sympy, which turns `x / 100.0`
                // into `0.01*x`; multiplying by the reciprocal keeps results bit-identical.
                let reciprocal = 1.0 / literal_divisor(b).unwrap_or(1.0);
                IrExpr::bin(BinaryOp::Mul, IrExpr::c(reciprocal), self.expr(a)?)
            }
            ExprKind::Binary(BinOp::Div, a, b) => {
                let (a, b) = (self.expr(a)?, self.expr(b)?);
                if self.invariant(&b) {
                    // A divisor that is the same for every element (`/ms`, `/(10*mV)`,
                    // `/tau` of a shared or constant name) becomes a multiplication by its
                    // reciprocal, computed once per call after hoisting, as Brian2's C++
                    // targets compile it (`-ffast-math`); divisions are the slowest
                    // arithmetic in an HH kernel.
                    let reciprocal = IrExpr::bin(BinaryOp::Div, IrExpr::c(1.0), b);
                    IrExpr::bin(BinaryOp::Mul, a, reciprocal)
                } else {
                    IrExpr::bin(BinaryOp::Div, a, b)
                }
            }
            ExprKind::Binary(BinOp::Pow, a, b) if small_integer_exponent(b).is_some() => {
                let base = self.expr(a)?;
                let exponent = small_integer_exponent(b).unwrap_or(1);
                if has_random(&base) {
                    // Repeating the base would draw new numbers: keep one `pow`.
                    IrExpr::bin(BinaryOp::Pow, base, IrExpr::c(exponent as f64))
                } else {
                    integer_power(base, exponent)
                }
            }
            ExprKind::Binary(op, a, b) => {
                let (a, b) = (self.expr(a)?, self.expr(b)?);
                IrExpr::bin(binary_op(*op), a, b)
            }
            ExprKind::Call {
                name,
                name_span,
                args,
            } => self.call(name, *name_span, args, e.span)?,
        })
    }

    fn name(&mut self, n: &str, span: Span) -> LowerResult<IrExpr> {
        if let Some(&(id, _)) = self.temps.get(n) {
            return Ok(IrExpr::Temp(id));
        }
        match self.resolver.resolve(n) {
            Some(Resolved::Array(v)) => {
                let arr = self.b.array(v.id, &v.name, v.ty, false);
                let index = if v.shared { Index::Shared } else { Index::Elem };
                Ok(IrExpr::Load(arr, index))
            }
            Some(Resolved::Gathered { var, via }) => {
                let arr = self.b.array(var.id, &var.name, var.ty, false);
                let idx = self.b.array(via, "_gather_index", ElemType::I32, false);
                Ok(IrExpr::Load(arr, Index::Gather(idx)))
            }
            Some(Resolved::Subexpression { expr, .. }) => {
                if self.inlining.iter().any(|s| s == n) {
                    return Err(Diagnostic::error(
                        "model::recursive_subexpression",
                        format!("subexpression '{n}' refers to itself"),
                    )
                    .with_primary(span, "used here"));
                }
                self.inlining.push(n.to_string());
                let lowered = self.expr(&expr);
                self.inlining.pop();
                lowered
            }
            Some(Resolved::Scalar { name, source }) => {
                Ok(IrExpr::Scalar(self.b.scalar(&name, source)))
            }
            Some(Resolved::Index { offset: 0 }) => Ok(IrExpr::ElemIndex),
            Some(Resolved::Index { offset }) => {
                let off = self.b.scalar("_offset", ScalarSource::Value(offset as f64));
                Ok(IrExpr::bin(
                    BinaryOp::Sub,
                    IrExpr::ElemIndex,
                    IrExpr::Scalar(off),
                ))
            }
            Some(Resolved::Const(x)) => Ok(IrExpr::Const(x)),
            None => Err(undefined(n, span)),
        }
    }

    fn call(
        &mut self,
        name: &str,
        name_span: Span,
        args: &[ast::Expr],
        span: Span,
    ) -> LowerResult<IrExpr> {
        let arity = |n: usize| -> LowerResult<()> {
            if args.len() == n {
                Ok(())
            } else {
                Err(Diagnostic::error(
                    "model::wrong_argument_count",
                    format!(
                        "function '{name}' takes {n} argument(s), {} given",
                        args.len()
                    ),
                )
                .with_primary(span, "in this call"))
            }
        };
        if let Some(f) = math_fn(name) {
            arity(f.arity())?;
            let lowered = args
                .iter()
                .map(|a| self.expr(a))
                .collect::<LowerResult<Vec<_>>>()?;
            return Ok(IrExpr::call(f, lowered));
        }
        match name {
            "rand" | "randn" => {
                arity(0)?;
                let kind = if name == "rand" {
                    RandKind::Uniform
                } else {
                    RandKind::Normal
                };
                Ok(IrExpr::Rand {
                    kind,
                    site: self.b.rand_site(),
                })
            }
            "poisson" => {
                arity(1)?;
                let mean = self.expr(&args[0])?;
                Ok(IrExpr::Rand {
                    kind: RandKind::Poisson(Box::new(mean)),
                    site: self.b.rand_site(),
                })
            }
            "_select" => {
                arity(3)?;
                let c = self.expr(&args[0])?;
                let a = self.expr(&args[1])?;
                let b = self.expr(&args[2])?;
                Ok(IrExpr::select(c, a, b))
            }
            // Brian2: (t + 1e-3*dt)/dt truncated, robust against t being a hair below k*dt.
            "timestep" => {
                arity(2)?;
                let t = self.expr(&args[0])?;
                let dt = self.expr(&args[1])?;
                let shifted = IrExpr::bin(
                    BinaryOp::Add,
                    t,
                    IrExpr::bin(BinaryOp::Mul, IrExpr::c(1e-3), dt.clone()),
                );
                Ok(IrExpr::call(
                    MathFn::Trunc,
                    vec![IrExpr::bin(BinaryOp::Div, shifted, dt)],
                ))
            }
            _ if self.resolver.function(name).is_some() => {
                let table = self.resolver.function(name).expect("checked above");
                arity(if table.cols.is_some() { 2 } else { 1 })?;
                let lowered = args
                    .iter()
                    .map(|a| self.expr(a))
                    .collect::<LowerResult<Vec<_>>>()?;
                Ok(self.table_lookup(name, &table, lowered))
            }
            _ => Err(Diagnostic::error(
                "model::unknown_function",
                format!("unknown function '{name}'"),
            )
            .with_primary(name_span, "not a known function")),
        }
    }
}

impl Lowerer<'_> {
    /// `values[row]` or `values[row*cols + col]` (NaN outside the columns), with the row
    /// from Brian2's binning: `int((t/epsilon + 0.5)/K)` clamped to `[0, rows)`.
    fn table_lookup(&mut self, name: &str, table: &TableFunction, args: Vec<IrExpr>) -> IrExpr {
        let mut args = args.into_iter();
        let t = args.next().unwrap_or(IrExpr::c(0.0));
        let k = IrExpr::Scalar(self.b.scalar(
            &format!("_{name}_K"),
            ScalarSource::TableUpsampling(table.dt),
        ));
        let epsilon = IrExpr::bin(BinaryOp::Div, IrExpr::c(table.dt), k.clone());
        let scaled = IrExpr::bin(
            BinaryOp::Add,
            IrExpr::bin(BinaryOp::Div, t, epsilon),
            IrExpr::c(0.5),
        );
        let row = IrExpr::call(MathFn::Trunc, vec![IrExpr::bin(BinaryOp::Div, scaled, k)]);
        let last_row = table.rows.saturating_sub(1) as f64;
        let row = IrExpr::call(MathFn::Clip, vec![row, IrExpr::c(0.0), IrExpr::c(last_row)]);
        let arr = self.b.array(
            table.values,
            &format!("_{name}_values"),
            ElemType::F64,
            false,
        );
        // Row and column are clamped into the table, so the load cannot fail: `Clamped` lets
        // the kernel keep its two-lane loop.
        let Some(cols) = table.cols else {
            return IrExpr::Load(arr, Index::Clamped(Box::new(row)));
        };
        let col = IrExpr::call(MathFn::Trunc, vec![args.next().unwrap_or(IrExpr::c(0.0))]);
        let last_col = cols.saturating_sub(1) as f64;
        let inside = IrExpr::bin(
            BinaryOp::And,
            IrExpr::bin(BinaryOp::Ge, col.clone(), IrExpr::c(0.0)),
            IrExpr::bin(BinaryOp::Le, col.clone(), IrExpr::c(last_col)),
        );
        // The load's column is clamped too: a select may evaluate both sides.
        let flat = IrExpr::bin(
            BinaryOp::Add,
            IrExpr::bin(BinaryOp::Mul, row, IrExpr::c(cols as f64)),
            IrExpr::call(MathFn::Clip, vec![col, IrExpr::c(0.0), IrExpr::c(last_col)]),
        );
        IrExpr::select(
            inside,
            IrExpr::Load(arr, Index::Clamped(Box::new(flat))),
            IrExpr::c(f64::NAN),
        )
    }
}

/// The value of a divisor written as a non-zero number literal (`100.0`, `7`, `-2.5`).
fn literal_divisor(e: &ast::Expr) -> Option<f64> {
    let value = match &e.kind {
        ExprKind::Float(x) => *x,
        ExprKind::Int(k) => *k as f64,
        ExprKind::Unary(UnOp::Neg, inner) => -literal_divisor(inner)?,
        _ => return None,
    };
    (value != 0.0 && value.is_finite()).then_some(value)
}

/// Largest integer exponent written out as multiplications.
const MAX_MULTIPLIED_EXPONENT: u32 = 8;

/// `k` if `e` is an integer literal `k` from 1 to [`MAX_MULTIPLIED_EXPONENT`] (`3`, `3.0`).
fn small_integer_exponent(e: &ast::Expr) -> Option<u32> {
    let value = match &e.kind {
        ExprKind::Float(x) => *x,
        ExprKind::Int(k) => *k as f64,
        _ => return None,
    };
    (value.fract() == 0.0 && (1.0..=f64::from(MAX_MULTIPLIED_EXPONENT)).contains(&value))
        .then_some(value as u32)
}

/// `base**exponent` by squaring and multiplying, as Brian2's C++ code (`-ffast-math` expands
/// `pow(x, 3)` to `x*x*x`): `m**3*h` and `n**4` in every Hodgkin-Huxley model would otherwise
/// be two calls of the general `pow` per element. Within 2 ulp of `pow`.
fn integer_power(base: IrExpr, exponent: u32) -> IrExpr {
    if exponent == 1 {
        return base;
    }
    let half = integer_power(base.clone(), exponent / 2);
    let square = IrExpr::bin(BinaryOp::Mul, half.clone(), half);
    if exponent % 2 == 1 {
        IrExpr::bin(BinaryOp::Mul, square, base)
    } else {
        square
    }
}

fn has_random(e: &IrExpr) -> bool {
    match e {
        IrExpr::Rand { .. } => true,
        IrExpr::Unary(_, a) => has_random(a),
        IrExpr::Binary(_, a, b) => has_random(a) || has_random(b),
        IrExpr::Call(_, args) => args.iter().any(has_random),
        IrExpr::Select(c, a, b) => has_random(c) || has_random(a) || has_random(b),
        IrExpr::Const(_)
        | IrExpr::Scalar(_)
        | IrExpr::Temp(_)
        | IrExpr::Load(..)
        | IrExpr::ElemIndex => false,
    }
}

fn undefined(n: &str, span: Span) -> Diagnostic {
    Diagnostic::error(
        "model::undefined_identifier",
        format!("the identifier '{n}' is not defined"),
    )
    .with_primary(span, "not defined")
    .with_help("define it in the model, or pass it in the namespace")
}

fn combine(op: AssignOp, old: IrExpr, value: IrExpr) -> IrExpr {
    match op {
        AssignOp::Set => value,
        AssignOp::Add => IrExpr::bin(BinaryOp::Add, old, value),
        AssignOp::Sub => IrExpr::bin(BinaryOp::Sub, old, value),
        AssignOp::Mul => IrExpr::bin(BinaryOp::Mul, old, value),
        AssignOp::Div => IrExpr::bin(BinaryOp::Div, old, value),
    }
}

fn binary_op(op: BinOp) -> BinaryOp {
    match op {
        BinOp::Add => BinaryOp::Add,
        BinOp::Sub => BinaryOp::Sub,
        BinOp::Mul => BinaryOp::Mul,
        BinOp::Div => BinaryOp::Div,
        BinOp::FloorDiv => BinaryOp::FloorDiv,
        BinOp::Mod => BinaryOp::Mod,
        BinOp::Pow => BinaryOp::Pow,
        BinOp::Lt => BinaryOp::Lt,
        BinOp::Le => BinaryOp::Le,
        BinOp::Gt => BinaryOp::Gt,
        BinOp::Ge => BinaryOp::Ge,
        BinOp::Eq => BinaryOp::Eq,
        BinOp::Ne => BinaryOp::Ne,
        BinOp::And => BinaryOp::And,
        BinOp::Or => BinaryOp::Or,
    }
}

/// Brian2's default functions that map onto IR math functions.
fn math_fn(name: &str) -> Option<MathFn> {
    Some(match name {
        "exp" => MathFn::Exp,
        "log" => MathFn::Log,
        "log10" => MathFn::Log10,
        "expm1" => MathFn::Expm1,
        "exprel" => MathFn::Exprel,
        "log1p" => MathFn::Log1p,
        "sqrt" => MathFn::Sqrt,
        "sin" => MathFn::Sin,
        "cos" => MathFn::Cos,
        "tan" => MathFn::Tan,
        "sinh" => MathFn::Sinh,
        "cosh" => MathFn::Cosh,
        "tanh" => MathFn::Tanh,
        "arcsin" | "asin" => MathFn::Asin,
        "arccos" | "acos" => MathFn::Acos,
        "arctan" | "atan" => MathFn::Atan,
        "abs" => MathFn::Abs,
        "sign" => MathFn::Sign,
        "floor" => MathFn::Floor,
        "ceil" => MathFn::Ceil,
        "int" => MathFn::Trunc,
        "clip" => MathFn::Clip,
        _ => return None,
    })
}

/// Whether an expression draws random numbers (`rand()`, `randn()`, `poisson(...)`).
fn calls_random(e: &ast::Expr) -> bool {
    let mut random = false;
    e.visit(&mut |node| {
        if let ExprKind::Call { name, .. } = &node.kind {
            random |= matches!(name.as_str(), "rand" | "randn" | "poisson");
        }
    });
    random
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{ast_builders::*, TableResolver};
    use rheobase_codegen::Iteration;

    fn lower_code(r: &TableResolver, code: &[Assignment]) -> crate::kernel::BoundKernel {
        let mut b = KernelBuilder::new("test", Iteration::Range);
        let mut l = Lowerer::new(&mut b, r);
        l.statements(code).unwrap();
        b.finish()
    }

    #[test]
    fn variables_builtins_and_constants_resolve() {
        let r = TableResolver::lif();
        // v = v + dt * (El - v) / tau * i
        let value = bin(
            BinOp::Add,
            name("v"),
            bin(
                BinOp::Mul,
                bin(
                    BinOp::Div,
                    bin(
                        BinOp::Mul,
                        name("dt"),
                        bin(BinOp::Sub, name("El"), name("v")),
                    ),
                    name("tau"),
                ),
                name("i"),
            ),
        );
        let k = lower_code(&r, &[Assignment::set("v", value, false)]);
        assert_eq!(k.kernel.scalars, vec!["dt", "_offset"]);
        assert_eq!(k.scalars[1], ScalarSource::Value(5.0));
        assert_eq!(k.kernel.arrays.len(), 1);
        assert!(k.kernel.arrays[0].writable);
        let Stmt::Store { value, .. } = &k.kernel.body[0] else {
            panic!("expected a store")
        };
        let text = format!("{value:?}");
        assert!(text.contains("Const(-0.07)"), "{text}");
        assert!(text.contains("ElemIndex"), "{text}");
    }

    #[test]
    fn invariant_divisors_become_reciprocals() {
        let r = TableResolver::lif();
        let mut b = KernelBuilder::new("t", Iteration::Range);
        let mut l = Lowerer::new(&mut b, &r);
        // v/tau (tau a constant): v * (1/tau), the reciprocal hoisted out of the loop.
        let e = l
            .vector_expr(&bin(BinOp::Div, name("v"), name("tau")))
            .unwrap();
        let IrExpr::Binary(BinaryOp::Mul, _, reciprocal) = &e else {
            panic!("{e:?}")
        };
        assert!(matches!(**reciprocal, IrExpr::Temp(_)), "{e:?}");
        assert!(format!("{:?}", l.b.hoisted).contains("Div"));
        // A divisor that depends on the element stays a division.
        let e = l.expr(&bin(BinOp::Div, name("tau"), name("v"))).unwrap();
        assert!(matches!(e, IrExpr::Binary(BinaryOp::Div, ..)), "{e:?}");
    }

    #[test]
    fn small_integer_powers_become_multiplications() {
        let r = TableResolver::lif();
        let lowered = |exponent: f64| {
            let mut b = KernelBuilder::new("t", Iteration::Range);
            let mut l = Lowerer::new(&mut b, &r);
            l.expr(&bin(BinOp::Pow, name("v"), num(exponent))).unwrap()
        };
        let count = |e: &IrExpr, op: BinaryOp| format!("{e:?}").matches(&format!("{op:?}")).count();
        assert_eq!(count(&lowered(3.0), BinaryOp::Mul), 2);
        assert_eq!(count(&lowered(3.0), BinaryOp::Pow), 0);
        assert_eq!(count(&lowered(4.0), BinaryOp::Mul), 3); // (v*v)*(v*v)
        assert!(matches!(lowered(1.0), IrExpr::Load(..)));
        for other in [0.5, 9.0, -2.0, 0.0] {
            assert_eq!(count(&lowered(other), BinaryOp::Pow), 1, "v**{other}");
        }
        // The values agree with `pow` within 2 ulp.
        fn eval(e: &IrExpr) -> f64 {
            match e {
                IrExpr::Const(c) => *c,
                IrExpr::Binary(BinaryOp::Mul, a, b) => eval(a) * eval(b),
                other => panic!("unexpected {other:?}"),
            }
        }
        for x in [-1.7f64, 0.3, 0.0529, 1e-3, 7.0] {
            for k in 2..=MAX_MULTIPLIED_EXPONENT {
                let exact = x.powf(f64::from(k));
                let ulp = exact.abs() * f64::EPSILON;
                let ours = eval(&integer_power(IrExpr::c(x), k));
                assert!((ours - exact).abs() <= 2.0 * ulp, "{x}**{k}");
            }
        }
    }

    #[test]
    fn subexpressions_are_inlined_and_cycles_reported() {
        let r = TableResolver::lif();
        let k = lower_code(&r, &[Assignment::set("v", name("I_syn"), false)]);
        let Stmt::Store { value, .. } = &k.kernel.body[0] else {
            panic!()
        };
        assert!(format!("{value:?}").contains("Mul"));

        let mut b = KernelBuilder::new("t", Iteration::Range);
        let mut l = Lowerer::new(&mut b, &r);
        let err = l.expr(&name("loop_a")).unwrap_err();
        assert_eq!(err.code, "model::recursive_subexpression");
    }

    #[test]
    fn scalar_statements_go_to_the_prologue() {
        let r = TableResolver::lif();
        let code = [
            Assignment::set("_a", bin(BinOp::Mul, name("dt"), num(2.0)), true),
            Assignment::set(
                "counter",
                bin(BinOp::Add, name("counter"), name("_a")),
                false,
            ),
            Assignment::set("v", name("_a"), false),
        ];
        let k = lower_code(&r, &code);
        assert_eq!(k.kernel.prologue.len(), 2);
        assert_eq!(k.kernel.body.len(), 1);
    }

    #[test]
    fn random_temporaries_are_drawn_per_element() {
        let r = TableResolver::lif();
        let code = [
            Assignment::set("_noise", call("randn", vec![]), true),
            Assignment::set("v", bin(BinOp::Add, name("v"), name("_noise")), false),
        ];
        let k = lower_code(&r, &code);
        assert!(k.kernel.prologue.is_empty(), "{:?}", k.kernel.prologue);
        assert_eq!(k.kernel.body.len(), 2);
    }

    #[test]
    fn element_independent_parts_are_computed_once() {
        let r = TableResolver::lif();
        // v = v * exp(-dt/tau) + i: exp(-dt/tau) moves out of the loop, v and i stay
        let decay = call(
            "exp",
            vec![bin(
                BinOp::Div,
                bin(BinOp::Sub, num(0.0), name("dt")),
                name("tau"),
            )],
        );
        let value = bin(BinOp::Add, bin(BinOp::Mul, name("v"), decay), name("i"));
        let k = lower_code(&r, &[Assignment::set("v", value, false)]);
        assert_eq!(k.kernel.prologue.len(), 1);
        assert!(matches!(
            &k.kernel.prologue[0],
            Stmt::Let(_, IrExpr::Call(MathFn::Exp, _))
        ));
        let Stmt::Store { value, .. } = &k.kernel.body[0] else {
            panic!()
        };
        let text = format!("{value:?}");
        assert!(!text.contains("Exp") && text.contains("Temp"), "{text}");
    }

    #[test]
    fn bad_assignments_are_diagnosed() {
        let r = TableResolver::lif();
        let mut b = KernelBuilder::new("t", Iteration::Range);
        let mut l = Lowerer::new(&mut b, &r);
        let errs = l
            .statements(&[
                Assignment::set("counter", name("v"), false),
                Assignment::set("N", num(1.0), false),
                Assignment {
                    op: AssignOp::Add,
                    ..Assignment::set("nothing", num(1.0), false)
                },
                Assignment::set("v", call("frobnicate", vec![]), false),
            ])
            .unwrap_err();
        let codes: Vec<_> = errs.iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            vec![
                "model::shared_from_vector",
                "model::read_only_variable",
                "model::undefined_identifier",
                "model::unknown_function"
            ]
        );
    }

    #[test]
    fn conditional_writes_guard_unless_refractory_variables() {
        let r = TableResolver::lif();
        let mut b = KernelBuilder::new("t", Iteration::Range);
        let mut l = Lowerer::new(&mut b, &r);
        l.conditional_writes = true;
        l.statements(&[Assignment::set("v", num(0.0), false)])
            .unwrap();
        let k = b.finish();
        assert!(matches!(k.kernel.body[0], Stmt::If { .. }));
    }

    #[test]
    fn functions_lower_to_ir() {
        let r = TableResolver::lif();
        let mut b = KernelBuilder::new("t", Iteration::Range);
        let mut l = Lowerer::new(&mut b, &r);
        let e = l
            .expr(&bin(
                BinOp::Add,
                call("rand", vec![]),
                call("randn", vec![]),
            ))
            .unwrap();
        assert_eq!(
            e,
            IrExpr::bin(
                BinaryOp::Add,
                IrExpr::Rand {
                    kind: RandKind::Uniform,
                    site: 0
                },
                IrExpr::Rand {
                    kind: RandKind::Normal,
                    site: 1
                }
            )
        );
        let ts = l
            .expr(&call("timestep", vec![name("t"), name("dt")]))
            .unwrap();
        assert!(matches!(ts, IrExpr::Call(MathFn::Trunc, _)));
        let err = l.expr(&call("exp", vec![])).unwrap_err();
        assert_eq!(err.code, "model::wrong_argument_count");
    }
}
