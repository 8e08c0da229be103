//! Test helpers: AST builders, a fixed resolver, and a small IR evaluator used by the unit tests
//! of this crate only (the real backends live in rheobase-codegen and are tested there; the
//! end-to-end tests in `tests/it` use them).

use crate::kernel::ScalarSource;
use crate::lower::{ArrayVar, Resolved, Resolver};
use crate::state::StoreId;
use rheobase_codegen::ir::*;
use rheobase_codegen::{
    ArrayArg, Backend, CompileError, CompiledKernel, Elements, KernelCall, KernelError,
};
use std::sync::Arc;

pub mod ast_builders {
    use rheobase_lang::{ast, BinOp, Span};

    pub fn name(n: &str) -> ast::Expr {
        ast::Expr::name(n, Span::default())
    }
    pub fn num(x: f64) -> ast::Expr {
        ast::Expr::float(x, Span::default())
    }
    pub fn bin(op: BinOp, a: ast::Expr, b: ast::Expr) -> ast::Expr {
        ast::Expr::binary(op, a, b, Span::default())
    }
    pub fn call(f: &str, args: Vec<ast::Expr>) -> ast::Expr {
        ast::Expr::call(f, args, Span::default())
    }
}

/// A resolver for a small LIF-like group (subgroup offset 5).
pub struct TableResolver;

impl TableResolver {
    pub fn lif() -> TableResolver {
        TableResolver
    }
}

impl Resolver for TableResolver {
    fn resolve(&self, n: &str) -> Option<Resolved> {
        use ast_builders::*;
        let var = |id, shared, writable, guard| {
            Resolved::Array(ArrayVar {
                id: StoreId(id),
                name: n.to_string(),
                ty: ElemType::F64,
                shared,
                writable,
                write_guard: guard,
            })
        };
        Some(match n {
            "v" => var(0, false, true, Some(StoreId(9))),
            "counter" => var(1, true, true, None),
            "El" => Resolved::Const(-0.07),
            "tau" => Resolved::Const(0.01),
            "N" => Resolved::Const(10.0),
            "t" => Resolved::Scalar {
                name: "t".into(),
                source: ScalarSource::Time,
            },
            "dt" => Resolved::Scalar {
                name: "dt".into(),
                source: ScalarSource::Dt,
            },
            "i" => Resolved::Index { offset: 5 },
            "I_syn" => Resolved::Subexpression {
                expr: bin(rheobase_lang::BinOp::Mul, num(2.0), name("v")),
                shared: false,
            },
            "loop_a" => Resolved::Subexpression {
                expr: name("loop_b"),
                shared: false,
            },
            "loop_b" => Resolved::Subexpression {
                expr: name("loop_a"),
                shared: false,
            },
            _ => return None,
        })
    }
}

/// A straightforward tree-walking evaluator of kernel IR, for this crate's unit tests.
pub struct MiniInterpreter;

struct MiniKernel(Kernel);

impl Backend for MiniInterpreter {
    fn name(&self) -> &'static str {
        "mini-interpreter"
    }
    fn compile(&self, kernel: &Kernel) -> Result<Arc<dyn CompiledKernel>, CompileError> {
        Ok(Arc::new(MiniKernel(kernel.clone())))
    }
}

pub fn mini_backend() -> Arc<dyn Backend> {
    Arc::new(MiniInterpreter)
}

struct Frame<'c, 'a> {
    call: &'c mut KernelCall<'a>,
    temps: Vec<f64>,
    idx: usize,
    name: &'c str,
}

fn load(arr: &ArrayArg<'_>, k: usize) -> f64 {
    match arr {
        ArrayArg::F64(a) => a[k],
        ArrayArg::I32(a) => a[k] as f64,
        ArrayArg::Bool(a) => f64::from(u8::from(a[k])),
    }
}

fn store(arr: &mut ArrayArg<'_>, k: usize, x: f64) {
    match arr {
        ArrayArg::F64(a) => a[k] = x,
        ArrayArg::I32(a) => a[k] = x as i32,
        ArrayArg::Bool(a) => a[k] = x != 0.0,
    }
}

fn hash_uniform(parts: [u64; 5]) -> f64 {
    let mut h: u64 = 0x9e37_79b9_7f4a_7c15;
    for p in parts {
        h ^= p.wrapping_add(0x9e37_79b9_7f4a_7c15);
        h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
        h ^= h >> 31;
        h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
        h ^= h >> 29;
    }
    (h >> 11) as f64 / (1u64 << 53) as f64
}

impl Frame<'_, '_> {
    fn index(&mut self, ix: &Index) -> Result<usize, KernelError> {
        Ok(match ix {
            Index::Elem => self.idx,
            Index::Shared => 0,
            Index::Gather(a) => load(&self.call.arrays[a.0 as usize], self.idx) as usize,
            Index::At(e) => self.eval(e)? as usize,
        })
    }

    fn eval(&mut self, e: &Expr) -> Result<f64, KernelError> {
        Ok(match e {
            Expr::Const(x) => *x,
            Expr::Scalar(s) => self.call.scalars[s.0 as usize],
            Expr::Temp(t) => self.temps[t.0 as usize],
            Expr::ElemIndex => self.idx as f64,
            Expr::Load(a, ix) => {
                let k = self.index(ix)?;
                let arr = &self.call.arrays[a.0 as usize];
                if k >= arr.len() {
                    return Err(KernelError::IndexOutOfBounds {
                        kernel: self.name.to_string(),
                        array: format!("{a:?}"),
                        index: k as i64,
                        len: arr.len(),
                    });
                }
                load(arr, k)
            }
            Expr::Unary(op, a) => {
                let a = self.eval(a)?;
                match op {
                    UnaryOp::Neg => -a,
                    UnaryOp::Not => f64::from(u8::from(a == 0.0)),
                }
            }
            Expr::Binary(op, a, b) => {
                let (a, b) = (self.eval(a)?, self.eval(b)?);
                let t = |c: bool| f64::from(u8::from(c));
                match op {
                    BinaryOp::Add => a + b,
                    BinaryOp::Sub => a - b,
                    BinaryOp::Mul => a * b,
                    BinaryOp::Div => a / b,
                    BinaryOp::FloorDiv => (a / b).floor(),
                    BinaryOp::Mod => a - (a / b).floor() * b,
                    BinaryOp::Pow => a.powf(b),
                    BinaryOp::Lt => t(a < b),
                    BinaryOp::Le => t(a <= b),
                    BinaryOp::Gt => t(a > b),
                    BinaryOp::Ge => t(a >= b),
                    BinaryOp::Eq => t(a == b),
                    BinaryOp::Ne => t(a != b),
                    BinaryOp::And => t(a != 0.0 && b != 0.0),
                    BinaryOp::Or => t(a != 0.0 || b != 0.0),
                    BinaryOp::Min => a.min(b),
                    BinaryOp::Max => a.max(b),
                }
            }
            Expr::Call(f, args) => {
                let v: Vec<f64> = args
                    .iter()
                    .map(|a| self.eval(a))
                    .collect::<Result<_, _>>()?;
                let x = v[0];
                match f {
                    MathFn::Exp => x.exp(),
                    MathFn::Log => x.ln(),
                    MathFn::Log10 => x.log10(),
                    MathFn::Expm1 => x.exp_m1(),
                    MathFn::Exprel => {
                        if x == 0.0 {
                            1.0
                        } else {
                            x.exp_m1() / x
                        }
                    }
                    MathFn::Log1p => x.ln_1p(),
                    MathFn::Sqrt => x.sqrt(),
                    MathFn::Sin => x.sin(),
                    MathFn::Cos => x.cos(),
                    MathFn::Tan => x.tan(),
                    MathFn::Sinh => x.sinh(),
                    MathFn::Cosh => x.cosh(),
                    MathFn::Tanh => x.tanh(),
                    MathFn::Asin => x.asin(),
                    MathFn::Acos => x.acos(),
                    MathFn::Atan => x.atan(),
                    MathFn::Abs => x.abs(),
                    MathFn::Sign => {
                        if x.is_nan() || x == 0.0 {
                            x
                        } else {
                            x.signum()
                        }
                    }
                    MathFn::Floor => x.floor(),
                    MathFn::Ceil => x.ceil(),
                    MathFn::Trunc => x.trunc(),
                    MathFn::Clip => x.max(v[1]).min(v[2]),
                }
            }
            Expr::Select(c, a, b) => {
                if self.eval(c)? != 0.0 {
                    self.eval(a)?
                } else {
                    self.eval(b)?
                }
            }
            Expr::Rand { kind, site } => {
                let key = self.call.rng;
                let u = |k: u64| {
                    hash_uniform([
                        key.seed,
                        key.stream,
                        key.step,
                        self.idx as u64,
                        *site as u64 * 8 + k,
                    ])
                };
                match kind {
                    RandKind::Uniform => u(0),
                    RandKind::Normal => {
                        (-2.0 * (1.0 - u(0)).ln()).sqrt()
                            * (2.0 * std::f64::consts::PI * u(1)).cos()
                    }
                    RandKind::Poisson(_) | RandKind::Binomial(..) => {
                        return Err(KernelError::BadCall {
                            kernel: self.name.to_string(),
                            reason: "the test evaluator has no poisson/binomial".into(),
                        })
                    }
                }
            }
        })
    }

    fn exec(&mut self, stmts: &[Stmt]) -> Result<usize, KernelError> {
        let mut n = 0;
        for s in stmts {
            match s {
                Stmt::Let(t, e) => {
                    let x = self.eval(e)?;
                    self.temps[t.0 as usize] = x;
                }
                Stmt::Store {
                    array,
                    index,
                    value,
                } => {
                    let x = self.eval(value)?;
                    let k = self.index(index)?;
                    store(&mut self.call.arrays[array.0 as usize], k, x);
                }
                Stmt::If {
                    cond,
                    then,
                    otherwise,
                } => {
                    n += if self.eval(cond)? != 0.0 {
                        self.exec(then)?
                    } else {
                        self.exec(otherwise)?
                    };
                }
                Stmt::Emit => {
                    if let Some(out) = self.call.emitted.as_deref_mut() {
                        out.push(self.idx as i32);
                    }
                    n += 1;
                }
            }
        }
        Ok(n)
    }
}

impl CompiledKernel for MiniKernel {
    fn kernel(&self) -> &Kernel {
        &self.0
    }

    fn run(&self, call: &mut KernelCall<'_>) -> Result<usize, KernelError> {
        let k = &self.0;
        let elements: Vec<usize> = match &call.elements {
            Elements::Range(r) => r.clone().collect(),
            Elements::List(l) => l.iter().map(|&x| x as usize).collect(),
        };
        let mut f = Frame {
            call,
            temps: vec![0.0; k.n_temps as usize],
            idx: 0,
            name: &k.name,
        };
        let mut n = f.exec(&k.prologue)?;
        for idx in elements {
            f.idx = idx;
            n += f.exec(&k.body)?;
        }
        Ok(n)
    }
}
