//! The reference interpreter: walks the IR for every element. It is the oracle the JIT (and any
//! later backend) is tested against, so it favours plain code over speed.
//!
//! Semantics, shared by every backend:
//! * all arithmetic is f64; comparisons give 1.0 / 0.0; a value is true when it is not 0.0
//!   (NaN is true); `And`/`Or`/`Select` evaluate both sides;
//! * `FloorDiv` is `floor(a / b)` and `Mod` is `a - floor(a / b) * b` (Brian2's definitions:
//!   the result has the sign of the divisor); dividing by zero gives what f64 gives: `a // 0`
//!   is +-inf (NaN for `0 // 0`) and `a % 0` is NaN;
//! * `Min`/`Max` (and `clip`) propagate NaN and order -0 below +0 (see [`crate::mathfn`]);
//! * evaluation is left to right, depth first; a `Store` evaluates its index before its value,
//!   so the first failing access is the one reported;
//! * temporaries start at 0.0 for each call and keep their values from one element to the
//!   next; random draws in the prologue use element index 0.

use std::sync::Arc;

use crate::backend::{
    ArrayArg, Backend, CompileError, CompiledKernel, Elements, KernelCall, KernelError,
};
use crate::ir::{ArrayId, BinaryOp, Expr, Index, Kernel, RandKind, Stmt, UnaryOp};
use crate::mathfn;
use crate::random;
use crate::validate::{self, KernelFacts};

/// The tree-walking backend.
#[derive(Clone, Copy, Debug, Default)]
pub struct Interpreter;

impl Backend for Interpreter {
    fn name(&self) -> &'static str {
        "interpreter"
    }

    fn compile(&self, kernel: &Kernel) -> Result<Arc<dyn CompiledKernel>, CompileError> {
        let facts = validate::check_kernel(kernel)?;
        Ok(Arc::new(InterpretedKernel {
            kernel: kernel.clone(),
            facts,
        }))
    }
}

struct InterpretedKernel {
    kernel: Kernel,
    facts: KernelFacts,
}

impl CompiledKernel for InterpretedKernel {
    fn kernel(&self) -> &Kernel {
        &self.kernel
    }

    fn run(&self, call: &mut KernelCall<'_>) -> Result<usize, KernelError> {
        validate::check_call(&self.kernel, &self.facts, call)?;
        let mut machine = Machine {
            kernel: &self.kernel,
            arrays: &mut call.arrays,
            scalars: call.scalars,
            temps: vec![0.0; self.kernel.n_temps as usize],
            idx: 0,
            key: random::stream_key(call.rng.seed, call.rng.stream),
            step: call.rng.step,
            emitted: call.emitted.as_deref_mut(),
            n_emitted: 0,
        };
        machine.exec(&self.kernel.prologue)?;
        match &call.elements {
            Elements::Range(range) => {
                for idx in range.clone() {
                    machine.idx = idx;
                    machine.exec(&self.kernel.body)?;
                }
            }
            Elements::List(list) => {
                for &idx in list.iter() {
                    // Entries were checked to be non-negative.
                    machine.idx = idx as usize;
                    machine.exec(&self.kernel.body)?;
                }
            }
        }
        Ok(machine.n_emitted)
    }
}

struct Machine<'r, 'a> {
    kernel: &'r Kernel,
    arrays: &'r mut [ArrayArg<'a>],
    scalars: &'r [f64],
    temps: Vec<f64>,
    idx: usize,
    key: u64,
    step: u64,
    emitted: Option<&'r mut Vec<i32>>,
    n_emitted: usize,
}

type Eval<T> = Result<T, KernelError>;

fn truth(x: f64) -> bool {
    x != 0.0
}

fn from_bool(b: bool) -> f64 {
    if b {
        1.0
    } else {
        0.0
    }
}

impl Machine<'_, '_> {
    fn exec(&mut self, stmts: &[Stmt]) -> Eval<()> {
        for stmt in stmts {
            match stmt {
                Stmt::Let(temp, value) => {
                    let v = self.eval(value)?;
                    self.temps[temp.0 as usize] = v;
                }
                Stmt::Store {
                    array,
                    index,
                    value,
                } => {
                    let at = self.resolve(*array, index)?;
                    let v = self.eval(value)?;
                    self.write(*array, at, v)?;
                }
                Stmt::If {
                    cond,
                    then,
                    otherwise,
                } => {
                    if truth(self.eval(cond)?) {
                        self.exec(then)?;
                    } else {
                        self.exec(otherwise)?;
                    }
                }
                Stmt::Emit => {
                    if let Some(out) = self.emitted.as_deref_mut() {
                        // check_call guarantees list entries are i32; ranges may exceed it only
                        // for arrays of more than 2^31 elements.
                        out.push(self.idx as i32);
                    }
                    self.n_emitted += 1;
                }
            }
        }
        Ok(())
    }

    fn eval(&mut self, expr: &Expr) -> Eval<f64> {
        Ok(match expr {
            Expr::Const(c) => *c,
            Expr::Scalar(id) => self.scalars[id.0 as usize],
            Expr::Temp(t) => self.temps[t.0 as usize],
            Expr::ElemIndex => self.idx as f64,
            Expr::Load(array, index) => {
                let at = self.resolve(*array, index)?;
                self.read(*array, at)?
            }
            Expr::Unary(op, a) => {
                let a = self.eval(a)?;
                match op {
                    UnaryOp::Neg => -a,
                    UnaryOp::Not => from_bool(!truth(a)),
                }
            }
            Expr::Binary(op, a, b) => {
                let a = self.eval(a)?;
                let b = self.eval(b)?;
                binary(*op, a, b)
            }
            Expr::Call(f, args) => {
                let mut values = [0.0; 3];
                for (slot, arg) in values.iter_mut().zip(args) {
                    *slot = self.eval(arg)?;
                }
                mathfn::apply(*f, &values[..args.len()])
            }
            Expr::Select(c, a, b) => {
                let c = self.eval(c)?;
                let a = self.eval(a)?;
                let b = self.eval(b)?;
                if truth(c) {
                    a
                } else {
                    b
                }
            }
            Expr::Rand { kind, site } => {
                let (key, step, idx, site) = (self.key, self.step, self.idx as u64, *site);
                match kind {
                    RandKind::Uniform => mathfn::rb_rand_uniform(key, step, idx, site),
                    RandKind::Normal => mathfn::rb_rand_normal(key, step, idx, site),
                    RandKind::Poisson(lambda) => {
                        let lambda = self.eval(lambda)?;
                        mathfn::rb_rand_poisson(key, step, idx, site, lambda)
                    }
                    RandKind::Binomial(n, p) => {
                        let n = self.eval(n)?;
                        let p = self.eval(p)?;
                        mathfn::rb_rand_binomial(key, step, idx, site, n, p)
                    }
                }
            }
        })
    }

    /// The element of `array` that `index` selects, bounds-checked.
    fn resolve(&mut self, array: ArrayId, index: &Index) -> Eval<usize> {
        let len = self.arrays[array.0 as usize].len();
        let at = match index {
            Index::Elem => self.idx,
            Index::Shared => 0,
            Index::Gather(by) => {
                let j = match &self.arrays[by.0 as usize] {
                    ArrayArg::I32(s) => s.get(self.idx).copied(),
                    _ => None,
                };
                let Some(j) = j else {
                    return Err(validate::out_of_bounds(
                        self.kernel,
                        *by,
                        self.idx as i64,
                        self.arrays[by.0 as usize].len(),
                    ));
                };
                if j < 0 || j as usize >= len {
                    return Err(validate::out_of_bounds(self.kernel, array, j.into(), len));
                }
                j as usize
            }
            Index::At(expr) => {
                let value = self.eval(expr)?;
                validate::at_index(value, len)
                    .map_err(|bad| validate::out_of_bounds(self.kernel, array, bad, len))?
            }
            Index::Clamped(expr) => validate::clamped_index(self.eval(expr)?, len),
        };
        if at < len {
            Ok(at)
        } else {
            Err(validate::out_of_bounds(self.kernel, array, at as i64, len))
        }
    }

    fn read(&self, array: ArrayId, at: usize) -> Eval<f64> {
        let value = match &self.arrays[array.0 as usize] {
            ArrayArg::F64(s) => s.get(at).copied(),
            ArrayArg::F32(s) => s.get(at).map(|&x| f64::from(x)),
            ArrayArg::I32(s) => s.get(at).map(|&x| f64::from(x)),
            ArrayArg::Bool(s) => s.get(at).map(|&x| from_bool(x)),
        };
        value.ok_or_else(|| self.oob(array, at))
    }

    fn write(&mut self, array: ArrayId, at: usize, value: f64) -> Eval<()> {
        let slot_found = match &mut self.arrays[array.0 as usize] {
            // `as i32` truncates towards zero, saturates, and maps NaN to 0.
            ArrayArg::F64(s) => s.get_mut(at).map(|x| *x = value).is_some(),
            // Round to nearest, as the JIT's `fdemote`.
            ArrayArg::F32(s) => s.get_mut(at).map(|x| *x = value as f32).is_some(),
            ArrayArg::I32(s) => s.get_mut(at).map(|x| *x = value as i32).is_some(),
            ArrayArg::Bool(s) => s.get_mut(at).map(|x| *x = truth(value)).is_some(),
        };
        if slot_found {
            Ok(())
        } else {
            Err(self.oob(array, at))
        }
    }

    fn oob(&self, array: ArrayId, at: usize) -> KernelError {
        let len = self.arrays[array.0 as usize].len();
        validate::out_of_bounds(self.kernel, array, at as i64, len)
    }
}

/// One binary operation, as every backend computes it.
pub fn binary(op: BinaryOp, a: f64, b: f64) -> f64 {
    match op {
        BinaryOp::Add => a + b,
        BinaryOp::Sub => a - b,
        BinaryOp::Mul => a * b,
        BinaryOp::Div => a / b,
        BinaryOp::FloorDiv => (a / b).floor(),
        BinaryOp::Mod => a - (a / b).floor() * b,
        BinaryOp::Pow => mathfn::rb_pow(a, b),
        BinaryOp::Lt => from_bool(a < b),
        BinaryOp::Le => from_bool(a <= b),
        BinaryOp::Gt => from_bool(a > b),
        BinaryOp::Ge => from_bool(a >= b),
        BinaryOp::Eq => from_bool(a == b),
        BinaryOp::Ne => from_bool(a != b),
        BinaryOp::And => from_bool(truth(a) && truth(b)),
        BinaryOp::Or => from_bool(truth(a) || truth(b)),
        BinaryOp::Min => mathfn::min(a, b),
        BinaryOp::Max => mathfn::max(a, b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::RngKey;
    use crate::ir::{ArrayDecl, ElemType, Iteration, TempId};

    #[test]
    fn python_floor_division_and_modulo() {
        assert_eq!(binary(BinaryOp::FloorDiv, 7.0, 2.0), 3.0);
        assert_eq!(binary(BinaryOp::FloorDiv, -7.0, 2.0), -4.0);
        assert_eq!(binary(BinaryOp::Mod, -7.0, 2.0), 1.0);
        assert_eq!(binary(BinaryOp::Mod, 7.0, -2.0), -1.0);
        assert_eq!(binary(BinaryOp::Mod, 5.5, 2.0), 1.5);
        assert_eq!(binary(BinaryOp::Mod, -5.5, 2.0), 0.5);
        assert_eq!(binary(BinaryOp::FloorDiv, 1.0, 0.0), f64::INFINITY);
        assert!(binary(BinaryOp::FloorDiv, 0.0, 0.0).is_nan());
        assert!(binary(BinaryOp::Mod, 1.0, 0.0).is_nan());
    }

    #[test]
    fn logic_treats_nan_as_true() {
        assert_eq!(binary(BinaryOp::And, f64::NAN, 2.0), 1.0);
        assert_eq!(binary(BinaryOp::Or, 0.0, 0.0), 0.0);
        assert_eq!(binary(BinaryOp::Ne, f64::NAN, f64::NAN), 1.0);
        assert_eq!(binary(BinaryOp::Eq, f64::NAN, f64::NAN), 0.0);
    }

    #[test]
    fn stores_convert_to_i32_and_bool() {
        let kernel = Kernel {
            name: "convert".into(),
            arrays: vec![
                ArrayDecl::new("x", ElemType::F64, true),
                ArrayDecl::new("n", ElemType::I32, true),
                ArrayDecl::new("b", ElemType::Bool, true),
            ],
            scalars: vec![],
            iteration: Iteration::Range,
            prologue: vec![],
            body: vec![
                Stmt::Store {
                    array: ArrayId(1),
                    index: Index::Elem,
                    value: Expr::Load(ArrayId(0), Index::Elem),
                },
                Stmt::Store {
                    array: ArrayId(2),
                    index: Index::Elem,
                    value: Expr::Load(ArrayId(0), Index::Elem),
                },
            ],
            n_temps: 0,
        };
        let compiled = Interpreter.compile(&kernel).unwrap();
        let mut x = vec![-2.7, 3e10, f64::NAN, 0.0, -0.0, 0.4];
        let mut n = vec![9; 6];
        let mut b = vec![false; 6];
        let mut call = KernelCall {
            arrays: vec![
                ArrayArg::F64(&mut x),
                ArrayArg::I32(&mut n),
                ArrayArg::Bool(&mut b),
            ],
            scalars: &[],
            elements: Elements::Range(0..6),
            rng: RngKey::default(),
            emitted: None,
        };
        compiled.run(&mut call).unwrap();
        assert_eq!(n, vec![-2, i32::MAX, 0, 0, 0, 0]);
        assert_eq!(b, vec![true, true, true, false, false, true]);
    }

    #[test]
    fn emits_and_reports_gather_out_of_bounds() {
        let kernel = Kernel {
            name: "gather".into(),
            arrays: vec![
                ArrayDecl::new("v", ElemType::F64, true),
                ArrayDecl::new("post", ElemType::I32, true),
            ],
            scalars: vec![],
            iteration: Iteration::List,
            prologue: vec![],
            body: vec![
                Stmt::Let(TempId(0), Expr::Load(ArrayId(0), Index::Gather(ArrayId(1)))),
                Stmt::Emit,
            ],
            n_temps: 1,
        };
        let compiled = Interpreter.compile(&kernel).unwrap();
        let mut v = vec![1.0, 2.0];
        let mut post = vec![1, 0, 2];
        let mut out = Vec::new();
        let list = [1, 0, 2];
        let mut call = KernelCall {
            arrays: vec![ArrayArg::F64(&mut v), ArrayArg::I32(&mut post)],
            scalars: &[],
            elements: Elements::List(&list),
            rng: RngKey::default(),
            emitted: Some(&mut out),
        };
        let err = compiled.run(&mut call).unwrap_err();
        assert_eq!(
            err,
            KernelError::IndexOutOfBounds {
                kernel: "gather".into(),
                array: "v".into(),
                index: 2,
                len: 2
            }
        );
        assert_eq!(out, vec![1, 0]);
    }
}
