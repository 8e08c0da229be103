//! The kernel IR: what to compute for one runtime operation, independent of how it runs.
//!
//! A [`Kernel`] is a prologue (run once per call) and a body (run once per element). All
//! arithmetic is on f64: integers are exact up to 2^53 and booleans are 0.0 / 1.0. Arrays are
//! typed in memory ([`ElemType`]) and converted on load and store. Every backend (the
//! interpreter, the Cranelift JIT, later a C tier or a GPU) runs the same IR with the same
//! results; the interpreter is the oracle.
//!
//! Details every backend follows (see `interp` for the full list): a value is true when it is
//! not 0.0 (NaN is true); evaluation is left to right, depth first, and a `Store` evaluates its
//! index before its value, so the first failing access is the one reported; temporaries start
//! at 0.0 for each call and keep their values from one element to the next; random draws in
//! the prologue use element index 0.

/// Index into [`Kernel::arrays`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ArrayId(pub u32);

/// Index into [`Kernel::scalars`] (f64 arguments such as `t`, `dt`, `N`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ScalarId(pub u32);

/// A kernel-local variable. Temporaries may be assigned more than once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TempId(pub u32);

/// How an array is stored. Loads convert to f64; stores convert back
/// (`F32`: rounding to nearest; `I32`: truncation towards zero, saturating; `Bool`: nonzero
/// is true).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ElemType {
    F64,
    /// Single precision state (Brian2's `core.default_float_dtype = float32`): arithmetic
    /// stays f64, only the stored values are rounded.
    F32,
    I32,
    Bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ArrayDecl {
    /// For IR dumps and error messages (`v`, `_spikespace`, `_synaptic_post`).
    pub name: String,
    pub ty: ElemType,
    pub writable: bool,
}

impl ArrayDecl {
    pub fn new(name: impl Into<String>, ty: ElemType, writable: bool) -> ArrayDecl {
        ArrayDecl {
            name: name.into(),
            ty,
            writable,
        }
    }
}

/// Which elements the body runs for. `_idx` is the current element in either case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Iteration {
    /// `_idx` runs over a contiguous range given with the call (a group or subgroup).
    Range,
    /// `_idx` runs over a list of element indices given with the call (spikes, synapse ids).
    List,
}

/// Which element of an array a load or store touches.
#[derive(Clone, Debug, PartialEq)]
pub enum Index {
    /// `array[_idx]`
    Elem,
    /// `array[0]`: shared variables.
    Shared,
    /// `array[idx[_idx]]` where `idx` is an `I32` array: synapses reading pre/post variables.
    Gather(ArrayId),
    /// `array[int(expr)]`: computed indices. Bounds-checked at run time; NaN is out of bounds
    /// (reported as index `i64::MIN`).
    At(Box<Expr>),
    /// `array[min(int(expr), len - 1)]` with negative values and NaN taken as 0: a computed
    /// index that is clamped into the array and never fails (TimedArray tables, whose rows
    /// and columns are clamped anyway). Loads only; the array must not be empty (checked
    /// once per call, like `Shared`). Pure, so it may run in two-lane loops and be moved.
    Clamped(Box<Expr>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    Neg,
    /// Logical not: 1.0 if the operand is 0.0, else 0.0.
    Not,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
    /// Python's `//`: `floor(a / b)`. By zero: what f64 gives (+-inf, NaN for `0 // 0`).
    FloorDiv,
    /// Python's `%`: `a - floor(a / b) * b`, sign of the divisor. By zero: NaN.
    Mod,
    Pow,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    /// Logical and/or on truth values (0.0 is false); both sides are always evaluated.
    And,
    Or,
    /// NaN if either side is NaN; -0 counts as less than +0 (IEEE 754-2019 `minimum`).
    Min,
    /// NaN if either side is NaN; +0 counts as greater than -0 (IEEE 754-2019 `maximum`).
    Max,
}

/// Math functions every backend provides, with the same semantics as libm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MathFn {
    Exp,
    Log,
    Log10,
    Expm1,
    /// `(exp(x) - 1) / x`, 1 at 0.
    Exprel,
    Log1p,
    Sqrt,
    Sin,
    Cos,
    Tan,
    Sinh,
    Cosh,
    Tanh,
    Asin,
    Acos,
    Atan,
    Abs,
    /// -1, 0 or 1 (NaN stays NaN).
    Sign,
    Floor,
    Ceil,
    /// Truncation towards zero (`int()`).
    Trunc,
    /// `clip(x, lo, hi) = min(max(x, lo), hi)` with [`BinaryOp::Min`]/`Max` semantics: three
    /// arguments.
    Clip,
}

impl MathFn {
    pub fn arity(self) -> usize {
        match self {
            MathFn::Clip => 3,
            _ => 1,
        }
    }
}

/// Random numbers. Each call site has its own number so that two `rand()` calls in one kernel
/// give independent values; the stream is keyed by (seed, kernel stream, step, `_idx`, site).
#[derive(Clone, Debug, PartialEq)]
pub enum RandKind {
    /// Uniform on [0, 1).
    Uniform,
    /// Standard normal.
    Normal,
    /// Poisson with the given mean (NaN for a negative or non-finite mean).
    Poisson(Box<Expr>),
    /// Binomial(n, p), for PoissonInput (NaN unless n is a non-negative integer and p is in
    /// [0, 1]).
    Binomial(Box<Expr>, Box<Expr>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Const(f64),
    Scalar(ScalarId),
    Temp(TempId),
    /// The current element `_idx` as f64.
    ElemIndex,
    Load(ArrayId, Index),
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    Call(MathFn, Vec<Expr>),
    /// `if cond != 0 { a } else { b }`; both sides may be evaluated.
    Select(Box<Expr>, Box<Expr>, Box<Expr>),
    Rand {
        kind: RandKind,
        site: u32,
    },
}

impl Expr {
    pub fn c(x: f64) -> Expr {
        Expr::Const(x)
    }
    pub fn bin(op: BinaryOp, a: Expr, b: Expr) -> Expr {
        Expr::Binary(op, Box::new(a), Box::new(b))
    }
    pub fn un(op: UnaryOp, a: Expr) -> Expr {
        Expr::Unary(op, Box::new(a))
    }
    pub fn call(f: MathFn, args: Vec<Expr>) -> Expr {
        Expr::Call(f, args)
    }
    pub fn select(c: Expr, a: Expr, b: Expr) -> Expr {
        Expr::Select(Box::new(c), Box::new(a), Box::new(b))
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Stmt {
    /// `temp = expr`
    Let(TempId, Expr),
    /// `array[index] = value`
    Store {
        array: ArrayId,
        index: Index,
        value: Expr,
    },
    If {
        cond: Expr,
        then: Vec<Stmt>,
        otherwise: Vec<Stmt>,
    },
    /// Append the current `_idx` to the call's output list (threshold and event detection).
    Emit,
}

/// One compiled operation: `state_update`, `threshold`, `reset`, `synapses_pre`, ...
#[derive(Clone, Debug, PartialEq)]
pub struct Kernel {
    pub name: String,
    pub arrays: Vec<ArrayDecl>,
    /// Names of the f64 scalar arguments, in [`ScalarId`] order.
    pub scalars: Vec<String>,
    pub iteration: Iteration,
    /// Run once per call, before the loop; must not use `ElemIndex` or `Index::Elem`/`Gather`.
    pub prologue: Vec<Stmt>,
    /// Run once per element.
    pub body: Vec<Stmt>,
    /// Number of temporaries used (`TempId(0..n_temps)`).
    pub n_temps: u32,
}

#[cfg(test)]
impl Kernel {
    /// A range kernel over one writable `f64` array `v` (`ArrayId(0)`), no scalars and no
    /// prologue: the shape most unit tests of the passes and backends need.
    pub(crate) fn over_v(body: Vec<Stmt>, n_temps: u32) -> Kernel {
        Kernel {
            name: "k".into(),
            arrays: vec![ArrayDecl {
                name: "v".into(),
                ty: ElemType::F64,
                writable: true,
            }],
            scalars: vec![],
            iteration: Iteration::Range,
            prologue: vec![],
            body,
            n_temps,
        }
    }
}

impl BinaryOp {
    /// Every binary operator (for generated tests and fuzzing).
    pub const ALL: [BinaryOp; 17] = [
        BinaryOp::Add,
        BinaryOp::Sub,
        BinaryOp::Mul,
        BinaryOp::Div,
        BinaryOp::FloorDiv,
        BinaryOp::Mod,
        BinaryOp::Pow,
        BinaryOp::Lt,
        BinaryOp::Le,
        BinaryOp::Gt,
        BinaryOp::Ge,
        BinaryOp::Eq,
        BinaryOp::Ne,
        BinaryOp::And,
        BinaryOp::Or,
        BinaryOp::Min,
        BinaryOp::Max,
    ];
}

impl MathFn {
    /// Every math function (for generated tests and fuzzing).
    pub const ALL: [MathFn; 22] = [
        MathFn::Exp,
        MathFn::Log,
        MathFn::Log10,
        MathFn::Expm1,
        MathFn::Exprel,
        MathFn::Log1p,
        MathFn::Sqrt,
        MathFn::Sin,
        MathFn::Cos,
        MathFn::Tan,
        MathFn::Sinh,
        MathFn::Cosh,
        MathFn::Tanh,
        MathFn::Asin,
        MathFn::Acos,
        MathFn::Atan,
        MathFn::Abs,
        MathFn::Sign,
        MathFn::Floor,
        MathFn::Ceil,
        MathFn::Trunc,
        MathFn::Clip,
    ];
}
