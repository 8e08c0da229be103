//! Differential fuzzing of the backends: random kernels (every operator, math function,
//! index kind, branch, random draw and `Emit`) built from the fuzzer's bytes run on the
//! interpreter, on the interpreter after `opt::optimize`, and on the JIT with and without its
//! optimisations and two-lane loops. All must agree bit for bit (any NaN equals any NaN),
//! errors and emitted indices included. [`kernels_native`] checks the native C tier the same
//! way, many kernels per compiler run.

use super::ByteSource;
use rheobase_codegen::{
    interpreter, native::NativeCompiler, opt, ArrayArg, ArrayDecl, ArrayId, Backend, BinaryOp,
    CompiledKernel, ElemType, Elements, Expr, Index, Iteration, Jit, JitOptions, Kernel,
    KernelCall, KernelError, MathFn, RandKind, RngKey, ScalarId, Stmt, TempId, UnaryOp,
};
use std::sync::{Arc, OnceLock};

/// Elements per call; odd, so two-lane loops also run their scalar tail.
const N: usize = 7;
const TEMPS: u32 = 3;

const BINARY: [BinaryOp; 17] = BinaryOp::ALL;

const MATH: [MathFn; 22] = MathFn::ALL;

/// Constants that find edge cases in math functions and conversions.
const SPECIAL: [f64; 16] = [
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.5,
    2.0,
    3.0,
    1e-300,
    1e300,
    710.0,
    -745.5,
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::MIN_POSITIVE,
    2147483648.0,
];

/// Arrays: 0 `x` F64, 1 `n` I32, 2 `b` Bool (writable), 3 `post` I32 (gather index,
/// read-only), 4 `table` F64 (read-only, two to four rows).
struct KernelGen<'a, 'b> {
    bytes: &'b mut ByteSource<'a>,
}

impl KernelGen<'_, '_> {
    /// One of the three writable arrays.
    fn writable_array(&mut self) -> ArrayId {
        ArrayId(self.bytes.choose(3) as u32)
    }

    fn constant(&mut self) -> f64 {
        if self.bytes.choose(5) == 0 {
            SPECIAL[self.bytes.choose(SPECIAL.len())]
        } else {
            // A value in [-10, 10) with 16 bits of fraction.
            let raw = (self.bytes.choose(256) << 8) | self.bytes.choose(256);
            raw as f64 / 3276.8 - 10.0
        }
    }

    fn leaf(&mut self) -> Expr {
        match self.bytes.choose(13) {
            0..=2 => Expr::Const(self.constant()),
            3 => Expr::Scalar(ScalarId(self.bytes.choose(2) as u32)),
            4 | 5 => Expr::Temp(TempId(self.bytes.choose(TEMPS as usize) as u32)),
            6 => Expr::ElemIndex,
            7 | 8 => Expr::Load(self.writable_array(), Index::Elem),
            9 => Expr::Load(self.writable_array(), Index::Shared),
            10 => Expr::Load(self.writable_array(), Index::Gather(ArrayId(3))),
            11 => Expr::Rand {
                kind: RandKind::Uniform,
                site: self.bytes.choose(2) as u32,
            },
            _ => Expr::Rand {
                kind: RandKind::Normal,
                site: self.bytes.choose(2) as u32,
            },
        }
    }

    fn expr(&mut self, depth: u32) -> Expr {
        if depth == 0 || self.bytes.exhausted() {
            return self.leaf();
        }
        match self.bytes.choose(12) {
            0..=2 => self.leaf(),
            3 | 4 => {
                let op = BINARY[self.bytes.choose(BINARY.len())];
                Expr::bin(op, self.expr(depth - 1), self.expr(depth - 1))
            }
            5 => {
                let op = if self.bytes.choose(2) == 0 {
                    UnaryOp::Neg
                } else {
                    UnaryOp::Not
                };
                Expr::un(op, self.expr(depth - 1))
            }
            6 | 7 => {
                let f = MATH[self.bytes.choose(MATH.len())];
                let args = (0..f.arity()).map(|_| self.expr(depth - 1)).collect();
                Expr::call(f, args)
            }
            8 => Expr::select(
                self.expr(depth - 1),
                self.expr(depth - 1),
                self.expr(depth - 1),
            ),
            9 if self.bytes.choose(2) == 0 => {
                let at = in_table(self.expr(depth - 1));
                Expr::Load(ArrayId(4), Index::At(Box::new(at)))
            }
            // Any value: a clamped index never fails (a writable array keeps it scalar).
            9 => {
                let array = if self.bytes.choose(2) == 0 {
                    ArrayId(4)
                } else {
                    self.writable_array()
                };
                Expr::Load(array, Index::Clamped(Box::new(self.expr(depth - 1))))
            }
            10 => Expr::Rand {
                kind: RandKind::Poisson(Box::new(Expr::call(
                    MathFn::Abs,
                    vec![self.expr(depth - 1)],
                ))),
                site: 2 + self.bytes.choose(2) as u32,
            },
            _ => Expr::Rand {
                kind: RandKind::Binomial(
                    Box::new(self.expr(depth - 1)),
                    Box::new(self.expr(depth - 1)),
                ),
                site: 4 + self.bytes.choose(2) as u32,
            },
        }
    }

    fn index(&mut self) -> Index {
        match self.bytes.choose(7) {
            0 => Index::Shared,
            1 => Index::Gather(ArrayId(3)),
            2 => Index::At(Box::new(self.expr(2))),
            _ => Index::Elem,
        }
    }

    fn stmt(&mut self, depth: u32) -> Stmt {
        match self.bytes.choose(8) {
            0..=2 => Stmt::Let(
                TempId(self.bytes.choose(TEMPS as usize) as u32),
                self.expr(4),
            ),
            3..=5 => Stmt::Store {
                array: self.writable_array(),
                index: self.index(),
                value: self.expr(4),
            },
            6 => Stmt::Emit,
            _ if depth == 0 => Stmt::Emit,
            _ => {
                let cond = self.expr(3);
                let then = (0..self.bytes.choose(3))
                    .map(|_| self.stmt(depth - 1))
                    .collect();
                let otherwise = (0..self.bytes.choose(2))
                    .map(|_| self.stmt(depth - 1))
                    .collect();
                Stmt::If {
                    cond,
                    then,
                    otherwise,
                }
            }
        }
    }

    /// Prologue statements may not touch `_idx`: temporaries and shared stores only.
    fn prologue_stmt(&mut self) -> Stmt {
        let a = self.writable_array();
        let c = self.constant();
        match self.bytes.choose(2) {
            0 => Stmt::Store {
                array: a,
                index: Index::Shared,
                value: Expr::Const(c),
            },
            _ => Stmt::Let(
                TempId(self.bytes.choose(TEMPS as usize) as u32),
                Expr::bin(BinaryOp::Add, Expr::Const(c), Expr::Load(a, Index::Shared)),
            ),
        }
    }
}

/// An index into `table` that stays in bounds for finite values.
fn in_table(at: Expr) -> Expr {
    let finite = Expr::bin(
        BinaryOp::Lt,
        Expr::call(MathFn::Abs, vec![at.clone()]),
        Expr::c(1e9),
    );
    Expr::select(
        finite,
        Expr::bin(BinaryOp::Mod, at, Expr::c(2.0)),
        Expr::c(0.0),
    )
}

fn decl(name: &str, ty: ElemType, writable: bool) -> ArrayDecl {
    ArrayDecl {
        name: name.into(),
        ty,
        writable,
    }
}

/// Owned arguments of one call.
#[derive(Clone, Debug)]
struct State {
    x: Vec<f64>,
    n: Vec<i32>,
    b: Vec<bool>,
    post: Vec<i32>,
    table: Vec<f64>,
    scalars: [f64; 2],
    range: Option<std::ops::Range<usize>>,
    list: Vec<i32>,
    rng: RngKey,
}

/// What a call did: its result, every array after it (as bits, NaNs made equal) and the
/// emitted indices.
#[derive(Debug, PartialEq)]
struct Outcome {
    result: Result<usize, KernelError>,
    x: Vec<u64>,
    n: Vec<i32>,
    b: Vec<bool>,
    emitted: Vec<i32>,
}

fn canonical(values: &[f64]) -> Vec<u64> {
    values
        .iter()
        .map(|v| {
            if v.is_nan() {
                f64::NAN.to_bits()
            } else {
                v.to_bits()
            }
        })
        .collect()
}

impl State {
    fn generate(g: &mut KernelGen) -> State {
        let x = (0..N).map(|_| g.constant()).collect();
        let n = (0..N).map(|_| g.bytes.choose(10) as i32 - 5).collect();
        let b = (0..N).map(|_| g.bytes.choose(2) == 1).collect();
        // Mostly valid gather indices, sometimes one out of range.
        let post = (0..N)
            .map(|_| match g.bytes.choose(10) {
                0 => [-1, N as i32][g.bytes.choose(2)],
                _ => g.bytes.choose(N) as i32,
            })
            .collect();
        let table = (0..2 + g.bytes.choose(3)).map(|_| g.constant()).collect();
        let scalars = [g.constant(), g.constant()];
        let range = match g.bytes.choose(3) {
            0 => None,
            _ => Some(g.bytes.choose(N)..N),
        };
        let list = (0..g.bytes.choose(8))
            .map(|_| g.bytes.choose(N) as i32)
            .collect();
        let seed = (0..8).fold(0u64, |s, _| (s << 8) | g.bytes.choose(256) as u64);
        State {
            x,
            n,
            b,
            post,
            table,
            scalars,
            range,
            list,
            rng: RngKey {
                seed,
                stream: 11,
                step: 5,
            },
        }
    }

    fn run(&self, backend: &dyn Backend, kernel: &Kernel) -> Outcome {
        let compiled = backend
            .compile(kernel)
            .unwrap_or_else(|e| panic!("a generated kernel does not compile: {e}\n{kernel:#?}"));
        self.run_compiled(&*compiled)
    }

    fn run_compiled(&self, compiled: &dyn CompiledKernel) -> Outcome {
        let (mut x, mut n, mut b) = (self.x.clone(), self.n.clone(), self.b.clone());
        let (mut post, mut table) = (self.post.clone(), self.table.clone());
        let mut emitted = Vec::new();
        let result = {
            let mut call = KernelCall {
                arrays: vec![
                    ArrayArg::F64(&mut x),
                    ArrayArg::I32(&mut n),
                    ArrayArg::Bool(&mut b),
                    ArrayArg::I32(&mut post),
                    ArrayArg::F64(&mut table),
                ],
                scalars: &self.scalars,
                elements: match &self.range {
                    Some(r) => Elements::Range(r.clone()),
                    None => Elements::List(&self.list),
                },
                rng: self.rng,
                emitted: Some(&mut emitted),
            };
            compiled.run(&mut call)
        };
        Outcome {
            result,
            x: canonical(&x),
            n,
            b,
            emitted,
        }
    }
}

/// The JIT with optimisations and two-lane loops (the default) and with neither.
fn jits() -> &'static [(JitOptions, Arc<dyn Backend>)] {
    static JITS: OnceLock<Vec<(JitOptions, Arc<dyn Backend>)>> = OnceLock::new();
    JITS.get_or_init(|| {
        [true, false]
            .into_iter()
            .map(|on| {
                let options = JitOptions {
                    optimize: on,
                    vectorize: on,
                };
                let backend: Arc<dyn Backend> = Arc::new(Jit::with_options(options));
                (options, backend)
            })
            .collect()
    })
}

/// Builds a kernel and its arguments from the bytes and runs it on every backend variant.
pub fn kernels(data: &[u8]) {
    let (kernel, state) = generate(data);
    let reference = state.run(&*interpreter(), &kernel);
    let optimized = opt::optimize(&kernel);
    assert_eq!(
        reference,
        state.run(&*interpreter(), &optimized),
        "interpreter vs interpreter after opt::optimize on {kernel:#?}\noptimized: {optimized:#?}"
    );
    for (options, jit) in jits() {
        assert_eq!(
            reference,
            state.run(&**jit, &kernel),
            "interpreter vs JIT ({options:?}) on {kernel:#?}\nwith {state:?}"
        );
    }
}

/// Builds a kernel from each input, compiles them all as one C translation unit with the
/// native tier (the compiler the environment names), and checks each against the
/// interpreter bit for bit. Returns the number of kernels checked, or the reason there is no
/// native compiler (nothing is checked then).
pub fn kernels_native(inputs: &[&[u8]]) -> Result<usize, String> {
    let compiler = NativeCompiler::from_env();
    compiler.available().map_err(|e| e.to_string())?;
    let generated: Vec<(Kernel, State)> = inputs.iter().map(|data| generate(data)).collect();
    let kernels: Vec<&Kernel> = generated.iter().map(|(k, _)| k).collect();
    let batch = compiler
        .compile(&kernels)
        .unwrap_or_else(|e| panic!("generated kernels do not compile natively: {e}"));
    for ((kernel, state), native) in generated.iter().zip(batch.kernels) {
        let reference = state.run(&*interpreter(), kernel);
        assert_eq!(
            reference,
            state.run_compiled(&*native),
            "interpreter vs native on {kernel:#?}\nwith {state:?}"
        );
    }
    Ok(generated.len())
}

/// The kernel and the arguments the bytes describe.
fn generate(data: &[u8]) -> (Kernel, State) {
    let mut bytes = ByteSource::new(data);
    let mut g = KernelGen { bytes: &mut bytes };
    let state = State::generate(&mut g);
    let prologue = (0..g.bytes.choose(3)).map(|_| g.prologue_stmt()).collect();
    let body = (0..1 + g.bytes.choose(5)).map(|_| g.stmt(2)).collect();
    let kernel = Kernel {
        name: "fuzz".into(),
        arrays: vec![
            decl("x", ElemType::F64, true),
            decl("n", ElemType::I32, true),
            decl("b", ElemType::Bool, true),
            decl("post", ElemType::I32, false),
            decl("table", ElemType::F64, false),
        ],
        scalars: vec!["t".into(), "dt".into()],
        iteration: if state.range.is_some() {
            Iteration::Range
        } else {
            Iteration::List
        },
        prologue,
        body,
        n_temps: TEMPS,
    };
    (kernel, state)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_kernels_agree_across_backends() {
        for seed in 0u32..12 {
            let data: Vec<u8> = (0..200)
                .map(|k| (seed.wrapping_mul(2654435761).wrapping_add(k * 40503) >> 9) as u8)
                .collect();
            kernels(&data);
        }
    }

    /// The native tier on many generated kernels, compiled as one translation unit.
    #[test]
    fn generated_kernels_agree_natively() {
        let inputs: Vec<Vec<u8>> = (0u32..80)
            .map(|seed| {
                (0..240u32)
                    .map(|k| {
                        (seed
                            .wrapping_mul(2246822519)
                            .wrapping_add(k.wrapping_mul(3266489917))
                            >> 13) as u8
                    })
                    .collect()
            })
            .collect();
        let slices: Vec<&[u8]> = inputs.iter().map(|v| v.as_slice()).collect();
        match kernels_native(&slices) {
            Ok(n) => assert_eq!(n, 80),
            Err(reason) => eprintln!("skipping the native fuzz cases: {reason}"),
        }
    }
}
