//! Random draws in every backend: the interpreter (the oracle), the JIT with and without two
//! lanes, and the native tier give the same bits for `rand`, `randn`, `poisson` and
//! `binomial`, read from block buffers or drawn one at a time, over element ranges that end
//! in every lane position and start at any offset (subgroups, thread pieces). The native
//! part skips where no C compiler is installed.

use super::tests::compiler_or_skip;
use crate::backend::{ArrayArg, Backend, CompiledKernel, Elements, KernelCall, RngKey};
use crate::block_draws::BlockDraws;
use crate::ir::{
    ArrayDecl, ArrayId, BinaryOp, ElemType, Expr, Index, Iteration, Kernel, RandKind, ScalarId,
    Stmt, TempId,
};
use crate::jit::JitOptions;
use crate::{interpreter, Jit};

const N: usize = 600;
const OUTPUTS: usize = 6;

fn x() -> Expr {
    Expr::Load(ArrayId(0), Index::Elem)
}

fn rand(kind: RandKind, site: u32) -> Expr {
    Expr::Rand { kind, site }
}

fn store(a: u32, value: Expr) -> Stmt {
    Stmt::Store {
        array: ArrayId(a),
        index: Index::Elem,
        value,
    }
}

fn boxed(e: Expr) -> Box<Expr> {
    Box::new(e)
}

/// Arrays `x` (input), `y1..y5` (outputs) and `hit` (bool); scalars `lambda`, `n`, `p`.
fn kernel(name: &str, prologue: Vec<Stmt>, body: Vec<Stmt>) -> Kernel {
    let mut arrays = vec![ArrayDecl::new("x", ElemType::F64, false)];
    for k in 1..OUTPUTS {
        arrays.push(ArrayDecl::new(format!("y{k}"), ElemType::F64, true));
    }
    arrays.push(ArrayDecl::new("hit", ElemType::Bool, true));
    Kernel {
        name: name.into(),
        arrays,
        scalars: vec!["lambda".into(), "n".into(), "p".into()],
        iteration: Iteration::Range,
        prologue,
        body,
        n_temps: 2,
    }
}

/// Every draw from block buffers: the kernel runs in two lanes on the JIT.
fn buffered_kernel() -> Kernel {
    let s = |k| Expr::Scalar(ScalarId(k));
    let body = vec![
        Stmt::Let(
            TempId(1),
            Expr::bin(BinaryOp::Mul, x(), rand(RandKind::Uniform, 0)),
        ),
        store(1, Expr::Temp(TempId(1))),
        store(2, rand(RandKind::Normal, 1)),
        store(3, rand(RandKind::Poisson(boxed(s(0))), 2)),
        store(4, rand(RandKind::Binomial(boxed(s(1)), boxed(s(2))), 3)),
        Stmt::If {
            cond: Expr::bin(BinaryOp::Gt, x(), Expr::c(0.0)),
            then: vec![store(
                5,
                Expr::bin(
                    BinaryOp::Add,
                    rand(
                        RandKind::Binomial(boxed(Expr::c(1000.0)), boxed(Expr::c(0.002))),
                        4,
                    ),
                    // The same site twice is the same number.
                    rand(RandKind::Uniform, 0),
                ),
            )],
            otherwise: vec![],
        },
        store(
            6,
            Expr::bin(BinaryOp::Lt, rand(RandKind::Uniform, 5), Expr::c(0.3)),
        ),
    ];
    kernel("buffered", vec![], body)
}

/// Emits (a PoissonGroup's threshold), a prologue draw and a draw with a per-element
/// parameter: scalar loops, some draws buffered and some called.
fn mixed_kernel() -> Kernel {
    let prologue = vec![Stmt::Let(TempId(0), rand(RandKind::Uniform, 9))];
    let body = vec![
        Stmt::If {
            cond: Expr::bin(BinaryOp::Lt, rand(RandKind::Uniform, 0), x()),
            then: vec![Stmt::Emit],
            otherwise: vec![],
        },
        store(
            1,
            Expr::bin(
                BinaryOp::Add,
                Expr::Temp(TempId(0)),
                rand(
                    RandKind::Poisson(boxed(Expr::bin(BinaryOp::Mul, x(), Expr::c(30.0)))),
                    1,
                ),
            ),
        ),
        store(2, rand(RandKind::Normal, 2)),
        store(
            3,
            rand(
                RandKind::Binomial(boxed(Expr::c(50.0)), boxed(Expr::Scalar(ScalarId(2)))),
                3,
            ),
        ),
    ];
    kernel("mixed", prologue, body)
}

/// A PoissonGroup's threshold: one rare `if` on a buffered uniform, whose branch draws too
/// (the native tier tests a block at a time, then runs the branch for flagged elements).
fn threshold_kernel() -> Kernel {
    let body = vec![Stmt::If {
        cond: Expr::bin(
            BinaryOp::Lt,
            rand(RandKind::Uniform, 0),
            Expr::bin(BinaryOp::Mul, x(), Expr::c(0.5)),
        ),
        then: vec![
            Stmt::Emit,
            store(
                1,
                Expr::bin(
                    BinaryOp::Add,
                    rand(RandKind::Uniform, 0),
                    rand(RandKind::Normal, 1),
                ),
            ),
        ],
        otherwise: vec![],
    }];
    kernel("threshold", vec![], body)
}

type Outcome = (Vec<Vec<u64>>, Vec<bool>, Vec<i32>);

fn run(
    compiled: &dyn CompiledKernel,
    range: std::ops::Range<usize>,
    scalars: &[f64],
    step: u64,
) -> Outcome {
    let x: Vec<f64> = (0..N)
        .map(|i| ((i * 37) % 101) as f64 / 100.0 - 0.2)
        .collect();
    let mut ys = vec![vec![-1.0; N]; OUTPUTS - 1];
    let mut hit = vec![false; N];
    let mut x_in = x;
    let mut emitted = Vec::new();
    {
        let mut arrays = vec![ArrayArg::F64(&mut x_in)];
        arrays.extend(ys.iter_mut().map(|y| ArrayArg::F64(y)));
        arrays.push(ArrayArg::Bool(&mut hit));
        let mut call = KernelCall {
            arrays,
            scalars,
            elements: Elements::Range(range),
            rng: RngKey {
                seed: 7,
                stream: 11,
                step,
            },
            emitted: Some(&mut emitted),
        };
        compiled.run(&mut call).expect("runs");
    }
    let bits = ys
        .iter()
        .map(|y| {
            y.iter()
                .map(|v| if v.is_nan() { u64::MAX } else { v.to_bits() })
                .collect()
        })
        .collect();
    (bits, hit, emitted)
}

const RANGES: [std::ops::Range<usize>; 12] = [
    0..0,
    0..1,
    0..2,
    0..3,
    0..5,
    0..17,
    3..20,
    1..258,
    255..258,
    250..520,
    7..N,
    0..N,
];

/// (lambda, n, p): inversion and transformed rejection, flipped p, invalid parameters.
const PARAMS: [[f64; 3]; 4] = [
    [2.5, 1000.0, 0.002],
    [40.0, 200.0, 0.7],
    [-1.0, 10.5, 0.5],
    [0.0, 0.0, 1.0],
];

fn compare(kernel: &Kernel, others: &[(&str, &dyn CompiledKernel)]) {
    let oracle = interpreter().compile(kernel).unwrap();
    for params in PARAMS {
        for step in [0, 5, (1 << 40) + 3] {
            for range in RANGES {
                let want = run(&*oracle, range.clone(), &params, step);
                for (name, other) in others {
                    assert_eq!(
                        run(*other, range.clone(), &params, step),
                        want,
                        "{name} on {}, {range:?}, {params:?}, step {step}",
                        kernel.name
                    );
                }
            }
        }
    }
}

#[test]
fn the_kernels_use_buffers_as_intended() {
    let buffered = BlockDraws::of(&buffered_kernel());
    assert!(buffered.complete && buffered.draws.len() == 6);
    assert!(crate::jit::vector::can_vectorize(&buffered_kernel()));
    let mixed = BlockDraws::of(&mixed_kernel());
    assert!(!mixed.complete && mixed.draws.len() == 3);
}

#[test]
fn jit_draws_give_the_interpreter_bits() {
    let scalar = Jit::with_options(JitOptions {
        vectorize: false,
        ..JitOptions::default()
    });
    for kernel in [buffered_kernel(), mixed_kernel(), threshold_kernel()] {
        let lanes = Jit::new().compile(&kernel).unwrap();
        let one = scalar.compile(&kernel).unwrap();
        compare(&kernel, &[("jit", &*lanes), ("scalar jit", &*one)]);
    }
}

#[test]
fn native_draws_give_the_interpreter_bits() {
    let Some(compiler) = compiler_or_skip("draws") else {
        return;
    };
    let (buffered, mixed, threshold) = (buffered_kernel(), mixed_kernel(), threshold_kernel());
    let mut batch = compiler.compile(&[&buffered, &mixed, &threshold]).unwrap();
    let native_threshold = batch.kernels.pop().unwrap();
    let native_mixed = batch.kernels.pop().unwrap();
    let native_buffered = batch.kernels.pop().unwrap();
    compare(&buffered, &[("native", &*native_buffered)]);
    compare(&mixed, &[("native", &*native_mixed)]);
    compare(&threshold, &[("native", &*native_threshold)]);
    assert!(crate::sparse::sparse_if(&threshold).is_some());
    let source = super::NativeCompiler::source(&[&buffered]).unwrap();
    assert!(
        source.contains("rb_uniforms(rng_key, rng_step, block, block_end - block, 0u, r0)"),
        "inline uniforms"
    );
    assert!(
        source.contains("rb_rt.fill_binomial("),
        "binomials filled by Rust"
    );
}
