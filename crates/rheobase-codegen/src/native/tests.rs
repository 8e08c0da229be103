//! The native tier against the JIT and the interpreter. Tests skip (with a message) where no
//! C compiler is installed.

use super::*;
use crate::backend::{ArrayArg, Elements, KernelCall, KernelError, RngKey};
use crate::ir::{
    ArrayDecl, ArrayId, BinaryOp, ElemType, Expr, Index, Iteration, MathFn, RandKind, ScalarId,
    Stmt, TempId, UnaryOp,
};
use crate::{interpreter, vmath, Jit};

/// A compiler with its own cache directory, or `None` (and a message) without `cc`.
pub(crate) fn compiler_or_skip(test: &str) -> Option<NativeCompiler> {
    let dir = scratch_dir(test);
    let compiler = NativeCompiler::with_compiler("cc", dir);
    match compiler.available() {
        Ok(()) => Some(compiler),
        Err(e) => {
            eprintln!("skipping {test}: {e}");
            None
        }
    }
}

/// An empty directory for `test` under the system's temporary directory (cleared first).
pub(crate) fn scratch_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "rheobase-native-test-{}-{test}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn load(a: u32) -> Expr {
    Expr::Load(ArrayId(a), Index::Elem)
}

fn store(a: u32, value: Expr) -> Stmt {
    Stmt::Store {
        array: ArrayId(a),
        index: Index::Elem,
        value,
    }
}

/// `y1..y4 = exp, expm1, log, exprel (x)`: the vmath family on every input.
fn vmath_kernel() -> Kernel {
    let f = |m: MathFn| Expr::call(m, vec![load(0)]);
    Kernel {
        name: "vmath".into(),
        arrays: vec![
            ArrayDecl::new("x", ElemType::F64, false),
            ArrayDecl::new("y_exp", ElemType::F64, true),
            ArrayDecl::new("y_expm1", ElemType::F64, true),
            ArrayDecl::new("y_log", ElemType::F64, true),
            ArrayDecl::new("y_exprel", ElemType::F64, true),
        ],
        scalars: vec![],
        iteration: Iteration::Range,
        prologue: vec![],
        body: vec![
            store(1, f(MathFn::Exp)),
            store(2, f(MathFn::Expm1)),
            store(3, f(MathFn::Log)),
            store(4, f(MathFn::Exprel)),
        ],
        n_temps: 0,
    }
}

/// Inputs reaching every branch of the vmath algorithms.
fn vmath_inputs() -> Vec<f64> {
    let mut x = vec![
        0.0,
        -0.0,
        1.0,
        -1.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        f64::MIN_POSITIVE,
        f64::from_bits(1),
        -f64::from_bits(1),
        f64::MAX,
        f64::MIN,
        709.78,
        710.0,
        716.0,
        721.0,
        -745.2,
        -708.4,
        -40.5,
        -0.3,
        1e-300,
    ];
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    for k in 0..4000 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        x.push(if k % 4 == 0 {
            f64::from_bits(state)
        } else {
            (state >> 11) as f64 / (1u64 << 53) as f64 * 1460.0 - 750.0
        });
    }
    for k in -60..60 {
        x.push((f64::from(k) + 0.5) * std::f64::consts::LN_2);
    }
    x
}

fn run_f64(compiled: &dyn CompiledKernel, arrays: &mut [Vec<f64>], range: std::ops::Range<usize>) {
    let mut call = KernelCall {
        arrays: arrays.iter_mut().map(|a| ArrayArg::F64(a)).collect(),
        scalars: &[],
        elements: Elements::Range(range),
        rng: RngKey::default(),
        emitted: None,
    };
    compiled.run(&mut call).expect("runs");
}

fn bits(v: &[f64]) -> Vec<u64> {
    v.iter()
        .map(|x| if x.is_nan() { u64::MAX } else { x.to_bits() })
        .collect()
}

#[test]
fn the_vmath_family_gives_the_jit_bits() {
    let Some(compiler) = compiler_or_skip("vmath") else {
        return;
    };
    let kernel = vmath_kernel();
    let native = compiler.compile(&[&kernel]).unwrap().kernels.remove(0);
    let jit = Jit::new().compile(&kernel).unwrap();
    let x = vmath_inputs();
    let n = x.len();
    let mut a: Vec<Vec<f64>> = vec![
        x.clone(),
        vec![0.0; n],
        vec![0.0; n],
        vec![0.0; n],
        vec![0.0; n],
    ];
    let mut b = a.clone();
    run_f64(&*native, &mut a, 0..n);
    run_f64(&*jit, &mut b, 0..n);
    for k in 1..5 {
        assert_eq!(bits(&a[k]), bits(&b[k]), "output {k}");
    }
    // And each is the scalar Rust function's result.
    let scalar: [fn(f64) -> f64; 4] = [
        vmath::exp_f64,
        vmath::expm1_f64,
        vmath::log_f64,
        vmath::exprel_f64,
    ];
    for (k, f) in scalar.iter().enumerate() {
        let expected: Vec<f64> = x.iter().map(|&v| f(v)).collect();
        assert_eq!(bits(&a[k + 1]), bits(&expected), "function {k}");
    }
}

/// A Hodgkin-Huxley style update: exprel rates, exponential Euler, a threshold store.
fn hh_like_kernel() -> Kernel {
    let v = load(0);
    let c = Expr::c;
    let bin = Expr::bin;
    let alpha = bin(
        BinaryOp::Div,
        c(0.32),
        Expr::call(
            MathFn::Exprel,
            vec![bin(
                BinaryOp::Div,
                bin(BinaryOp::Sub, c(13.0), v.clone()),
                c(4.0),
            )],
        ),
    );
    let beta = bin(
        BinaryOp::Mul,
        c(4.0),
        Expr::call(
            MathFn::Exp,
            vec![bin(
                BinaryOp::Div,
                bin(BinaryOp::Sub, c(-10.0), v.clone()),
                c(18.0),
            )],
        ),
    );
    let dt = Expr::Scalar(ScalarId(0));
    Kernel {
        name: "hh".into(),
        arrays: vec![
            ArrayDecl::new("v", ElemType::F64, true),
            ArrayDecl::new("m", ElemType::F64, true),
            ArrayDecl::new("spiking", ElemType::Bool, true),
            ArrayDecl::new("count", ElemType::I32, true),
        ],
        scalars: vec!["dt".into(), "t".into()],
        iteration: Iteration::Range,
        prologue: vec![Stmt::Let(TempId(2), bin(BinaryOp::Mul, dt.clone(), c(0.5)))],
        body: vec![
            Stmt::Let(TempId(0), alpha),
            Stmt::Let(TempId(1), beta),
            store(
                1,
                bin(
                    BinaryOp::Add,
                    load(1),
                    bin(
                        BinaryOp::Mul,
                        dt.clone(),
                        bin(
                            BinaryOp::Sub,
                            bin(
                                BinaryOp::Mul,
                                Expr::Temp(TempId(0)),
                                bin(BinaryOp::Sub, c(1.0), load(1)),
                            ),
                            bin(BinaryOp::Mul, Expr::Temp(TempId(1)), load(1)),
                        ),
                    ),
                ),
            ),
            store(
                0,
                bin(
                    BinaryOp::Add,
                    v.clone(),
                    bin(
                        BinaryOp::Mul,
                        Expr::Temp(TempId(2)),
                        Expr::call(MathFn::Log, vec![Expr::call(MathFn::Abs, vec![load(1)])]),
                    ),
                ),
            ),
            Stmt::If {
                cond: bin(BinaryOp::Gt, load(0), c(-20.0)),
                then: vec![
                    store(2, c(1.0)),
                    store(3, bin(BinaryOp::Add, load(3), c(1.0))),
                ],
                otherwise: vec![store(2, c(0.0))],
            },
        ],
        n_temps: 3,
    }
}

struct HhState {
    v: Vec<f64>,
    m: Vec<f64>,
    spiking: Vec<bool>,
    count: Vec<i32>,
}

impl HhState {
    fn new(n: usize) -> HhState {
        HhState {
            v: (0..n)
                .map(|i| -80.0 + 100.0 * (i as f64 * 0.618).fract())
                .collect(),
            m: (0..n).map(|i| (i as f64 * 0.377).fract()).collect(),
            spiking: vec![false; n],
            count: vec![0; n],
        }
    }

    fn step(&mut self, compiled: &dyn CompiledKernel, range: std::ops::Range<usize>) {
        let mut call = KernelCall {
            arrays: vec![
                ArrayArg::F64(&mut self.v),
                ArrayArg::F64(&mut self.m),
                ArrayArg::Bool(&mut self.spiking),
                ArrayArg::I32(&mut self.count),
            ],
            scalars: &[0.01, 0.0],
            elements: Elements::Range(range),
            rng: RngKey::default(),
            emitted: None,
        };
        compiled.run(&mut call).expect("runs");
    }
}

#[test]
fn an_hh_like_kernel_gives_the_jit_bits_over_many_steps() {
    let Some(compiler) = compiler_or_skip("hh") else {
        return;
    };
    let kernel = hh_like_kernel();
    let native = compiler.compile(&[&kernel]).unwrap().kernels.remove(0);
    let jit = Jit::new().compile(&kernel).unwrap();
    let n = 1003;
    let (mut a, mut b) = (HhState::new(n), HhState::new(n));
    for step in 0..50 {
        // Odd sub-ranges too, as split calls give.
        let range = if step % 3 == 0 { 5..n - 2 } else { 0..n };
        a.step(&*native, range.clone());
        b.step(&*jit, range);
    }
    assert_eq!(bits(&a.v), bits(&b.v));
    assert_eq!(bits(&a.m), bits(&b.m));
    assert_eq!(a.spiking, b.spiking);
    assert_eq!(a.count, b.count);
    assert!(a.count.iter().any(|&c| c > 0), "some elements crossed");
}

/// [`hh_like_kernel`] with more `exp`-family calls in front, one of whose results a branch
/// changes: long enough to be cut into pieces ([`crate::fission`]).
fn long_hh_like_kernel() -> Kernel {
    let mut kernel = hh_like_kernel();
    let v = load(0);
    let c = Expr::c;
    let bin = Expr::bin;
    let (t3, t4) = (TempId(3), TempId(4));
    let mut front = vec![
        Stmt::Let(
            t3,
            Expr::call(MathFn::Exp, vec![bin(BinaryOp::Div, v.clone(), c(30.0))]),
        ),
        Stmt::Let(
            t4,
            Expr::call(MathFn::Exprel, vec![bin(BinaryOp::Div, v.clone(), c(20.0))]),
        ),
        Stmt::If {
            cond: bin(BinaryOp::Gt, v.clone(), c(0.0)),
            then: vec![Stmt::Let(t3, bin(BinaryOp::Mul, Expr::Temp(t3), c(2.0)))],
            otherwise: vec![],
        },
        Stmt::Let(
            t4,
            bin(
                BinaryOp::Add,
                Expr::Temp(t4),
                Expr::call(MathFn::Expm1, vec![bin(BinaryOp::Div, v, c(50.0))]),
            ),
        ),
    ];
    front.append(&mut kernel.body);
    kernel.body = front;
    // The last statement before the threshold's branch reads both carried temporaries.
    let k = kernel.body.len() - 1;
    kernel.body.insert(
        k,
        store(
            1,
            bin(
                BinaryOp::Add,
                load(1),
                bin(
                    BinaryOp::Mul,
                    c(1e-6),
                    bin(BinaryOp::Mul, Expr::Temp(t3), Expr::Temp(t4)),
                ),
            ),
        ),
    );
    kernel.n_temps = 5;
    kernel
}

#[test]
fn a_kernel_cut_into_pieces_gives_the_interpreter_bits() {
    let kernel = long_hh_like_kernel();
    let pieces = crate::fission::pieces(&kernel).expect("cut");
    assert!(pieces.len() >= 2, "{pieces:?}");
    let carried: Vec<TempId> = pieces.iter().flat_map(|p| p.save.clone()).collect();
    assert!(
        carried.contains(&TempId(3)) && carried.contains(&TempId(4)),
        "{pieces:?}"
    );
    // The JIT takes its calls out to whole blocks instead (`math_blocks`); the interpreter
    // runs the body whole.
    assert!(crate::math_blocks::plan(&kernel).is_some());
    let jit = Jit::new().compile(&kernel).unwrap();
    let oracle = interpreter().compile(&kernel).unwrap();
    let n = 1003;
    let run = |compiled: &dyn CompiledKernel| {
        let mut state = HhState::new(n);
        for step in 0..50 {
            let range = if step % 3 == 0 { 5..n - 2 } else { 0..n };
            state.step(compiled, range);
        }
        state
    };
    let same = |a: &HhState, b: &HhState| {
        assert_eq!(bits(&a.v), bits(&b.v));
        assert_eq!(bits(&a.m), bits(&b.m));
        assert_eq!(a.spiking, b.spiking);
        assert_eq!(a.count, b.count);
    };
    let expected = run(&*oracle);
    assert!(
        expected.count.iter().any(|&c| c > 0),
        "some elements crossed"
    );
    same(&run(&*jit), &expected);
    let Some(compiler) = compiler_or_skip("fission") else {
        return;
    };
    let native = compiler.compile(&[&kernel]).unwrap().kernels.remove(0);
    same(&run(&*native), &expected);
}

/// Library functions and random draws are called through the table: the same bits.
#[test]
fn table_functions_and_random_draws_give_the_interpreter_bits() {
    let Some(compiler) = compiler_or_skip("table") else {
        return;
    };
    let x = || load(0);
    let mut body = Vec::new();
    for (k, f) in [
        MathFn::Sin,
        MathFn::Atan,
        MathFn::Log10,
        MathFn::Tanh,
        MathFn::Sqrt,
    ]
    .into_iter()
    .enumerate()
    {
        body.push(Stmt::Let(TempId(k as u32), Expr::call(f, vec![x()])));
    }
    let sum = (0..5).fold(Expr::c(0.0), |acc, k| {
        Expr::bin(BinaryOp::Add, acc, Expr::Temp(TempId(k)))
    });
    body.push(store(1, Expr::bin(BinaryOp::Pow, sum, Expr::c(1.5))));
    body.push(store(
        2,
        Expr::bin(
            BinaryOp::Add,
            Expr::Rand {
                kind: RandKind::Normal,
                site: 0,
            },
            Expr::Rand {
                kind: RandKind::Poisson(Box::new(Expr::c(3.0))),
                site: 1,
            },
        ),
    ));
    let kernel = Kernel {
        name: "table".into(),
        arrays: vec![
            ArrayDecl::new("x", ElemType::F64, false),
            ArrayDecl::new("y", ElemType::F64, true),
            ArrayDecl::new("r", ElemType::F64, true),
        ],
        scalars: vec![],
        iteration: Iteration::Range,
        prologue: vec![],
        body,
        n_temps: 5,
    };
    let native = compiler.compile(&[&kernel]).unwrap().kernels.remove(0);
    let oracle = interpreter().compile(&kernel).unwrap();
    let n = 257;
    let x: Vec<f64> = (0..n).map(|i| (i as f64 - 100.0) * 0.37).collect();
    let mut a = vec![x.clone(), vec![0.0; n], vec![0.0; n]];
    let mut b = a.clone();
    run_f64(&*native, &mut a, 0..n);
    run_f64(&*oracle, &mut b, 0..n);
    assert_eq!(bits(&a[1]), bits(&b[1]));
    assert_eq!(bits(&a[2]), bits(&b[2]));
}

#[test]
fn out_of_bounds_gathers_and_emits_are_reported_as_by_the_jit() {
    let Some(compiler) = compiler_or_skip("errors") else {
        return;
    };
    let kernel = Kernel {
        name: "gather".into(),
        arrays: vec![
            ArrayDecl::new("v", ElemType::F64, true),
            ArrayDecl::new("post", ElemType::I32, false),
        ],
        scalars: vec![],
        iteration: Iteration::List,
        prologue: vec![],
        body: vec![
            Stmt::Emit,
            Stmt::Store {
                array: ArrayId(0),
                index: Index::Gather(ArrayId(1)),
                value: Expr::bin(
                    BinaryOp::Add,
                    Expr::Load(ArrayId(0), Index::Gather(ArrayId(1))),
                    Expr::c(1.0),
                ),
            },
        ],
        n_temps: 0,
    };
    let native = compiler.compile(&[&kernel]).unwrap().kernels.remove(0);
    let jit = Jit::new().compile(&kernel).unwrap();
    let run = |compiled: &dyn CompiledKernel| {
        let mut v = vec![0.0; 3];
        let mut post = vec![2, 0, 5, 1];
        let mut out = Vec::new();
        let list = [0, 1, 0, 2, 3];
        let result = {
            let mut call = KernelCall {
                arrays: vec![ArrayArg::F64(&mut v), ArrayArg::I32(&mut post)],
                scalars: &[],
                elements: Elements::List(&list),
                rng: RngKey::default(),
                emitted: Some(&mut out),
            };
            compiled.run(&mut call)
        };
        (result, v, out)
    };
    let (result, v, out) = run(&*native);
    assert_eq!((result.clone(), v.clone(), out.clone()), run(&*jit));
    assert_eq!(
        result,
        Err(KernelError::IndexOutOfBounds {
            kernel: "gather".into(),
            array: "v".into(),
            index: 5,
            len: 3
        })
    );
    assert_eq!(v, vec![1.0, 0.0, 2.0]);
    assert_eq!(out, vec![0, 1, 0, 2]);
}

/// List loops prefetch the targets they will gather a few entries later: long lists, with
/// targets out of range (negative, too big) ahead of the failing entry, give the JIT's
/// values and error.
#[test]
fn gathers_prefetched_ahead_give_the_jit_values_and_errors() {
    let Some(compiler) = compiler_or_skip("prefetch") else {
        return;
    };
    // `target[post[_idx]] += w[_idx]`
    let kernel = crate::jit::parallel::tests::gather_add();
    let source = NativeCompiler::source(&[&kernel]).unwrap();
    assert!(
        source.contains("__builtin_prefetch"),
        "prefetches its gathers"
    );
    let native = compiler.compile(&[&kernel]).unwrap().kernels.remove(0);
    let jit = Jit::new().compile(&kernel).unwrap();
    let run = |compiled: &dyn CompiledKernel, bad: Option<(usize, i32)>| {
        let mut v = vec![0.0; 50];
        let mut post: Vec<i32> = (0..400).map(|k| k * 7 % 50).collect();
        if let Some((at, target)) = bad {
            post[at] = target;
        }
        let mut w: Vec<f64> = (0..400).map(|k| 0.25 + k as f64).collect();
        let list: Vec<i32> = (0..400).rev().step_by(3).collect();
        let result = {
            let mut call = KernelCall {
                arrays: vec![
                    ArrayArg::F64(&mut v),
                    ArrayArg::I32(&mut post),
                    ArrayArg::F64(&mut w),
                ],
                scalars: &[],
                elements: Elements::List(&list),
                rng: RngKey::default(),
                emitted: None,
            };
            compiled.run(&mut call)
        };
        (result, bits(&v))
    };
    for bad in [None, Some((9, -3)), Some((99, 1 << 30)), Some((396, 50))] {
        let native_result = run(&*native, bad);
        assert_eq!(native_result, run(&*jit, bad), "{bad:?}");
        assert_eq!(native_result.0.is_err(), bad.is_some(), "{bad:?}");
    }
}

#[test]
fn the_second_compile_comes_from_the_cache() {
    let Some(compiler) = compiler_or_skip("cache") else {
        return;
    };
    let kernel = vmath_kernel();
    let first = compiler.compile(&[&kernel]).unwrap();
    assert!(!first.from_cache);
    let second = compiler.compile(&[&kernel]).unwrap();
    assert!(second.from_cache);
    // Only the finished library and its source are left: no temporary files.
    let mut dir = scratch_dir_contents("cache");
    dir.sort();
    assert_eq!(dir.len(), 2, "{dir:?}");
    assert!(dir[0].ends_with(".c") && dir[1].ends_with(".so"), "{dir:?}");
    assert_eq!(
        dir[0].trim_end_matches(".c"),
        dir[1].trim_end_matches(".so")
    );
}

fn scratch_dir_contents(test: &str) -> Vec<String> {
    let dir = std::env::temp_dir().join(format!(
        "rheobase-native-test-{}-{test}",
        std::process::id()
    ));
    std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn without_a_compiler_compiling_fails_with_a_clear_error() {
    let compiler = NativeCompiler::with_compiler("/nonexistent/cc", scratch_dir("nocc"));
    let err = compiler.available().unwrap_err();
    assert!(err.to_string().contains("no C compiler"), "{err}");
    let kernel = vmath_kernel();
    assert!(matches!(
        compiler.compile(&[&kernel]),
        Err(NativeError::Compile(compile::CompileFailure::NoCompiler(_)))
    ));
}

#[test]
fn tiered_kernels_switch_once_native_code_is_ready() {
    if compiler_or_skip("tiered").is_none() {
        return;
    }
    let backend = TieredBackend::new(Arc::new(Jit::new()));
    let kernel = hh_like_kernel();
    let tiered = backend.compile(&kernel).unwrap();
    let slot = tiered.native_slot().expect("a slot");
    assert!(!slot.is_native());
    let reference = Jit::new().compile(&kernel).unwrap();
    let n = 64;
    let (mut a, mut b) = (HhState::new(n), HhState::new(n));
    a.step(&*tiered, 0..n);
    b.step(&*reference, 0..n);
    assert_eq!(request_native(std::slice::from_ref(&slot), true), 1);
    // Compiled with the environment's compiler; it may be missing there.
    if slot.is_native() {
        assert_eq!(
            request_native(std::slice::from_ref(&slot), true),
            0,
            "requested once"
        );
    }
    for _ in 0..5 {
        a.step(&*tiered, 0..n);
        b.step(&*reference, 0..n);
    }
    assert_eq!(bits(&a.v), bits(&b.v));
    assert_eq!(a.count, b.count);
}

#[test]
fn split_calls_run_native_pieces_on_threads() {
    let Some(compiler) = compiler_or_skip("split") else {
        return;
    };
    let kernel = hh_like_kernel();
    let native = compiler.compile(&[&kernel]).unwrap().kernels.remove(0);
    let jit = Jit::new().compile(&kernel).unwrap();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let n = 501;
    let (mut a, mut b) = (HhState::new(n), HhState::new(n));
    let mut call = KernelCall {
        arrays: vec![
            ArrayArg::F64(&mut a.v),
            ArrayArg::F64(&mut a.m),
            ArrayArg::Bool(&mut a.spiking),
            ArrayArg::I32(&mut a.count),
        ],
        scalars: &[0.01, 0.0],
        elements: Elements::Range(0..n),
        rng: RngKey::default(),
        emitted: None,
    };
    native
        .run_split(&mut call, crate::backend::Split::Even(3), &pool)
        .unwrap();
    b.step(&*jit, 0..n);
    assert_eq!(bits(&a.v), bits(&b.v));
    assert_eq!(a.count, b.count);
}

/// A native delivery split by target window gives the whole call's bits, and fails on a
/// target out of bounds, as the JIT's does.
#[test]
fn lists_split_by_target_run_native_windows() {
    let Some(compiler) = compiler_or_skip("by_target") else {
        return;
    };
    let kernel = crate::jit::parallel::tests::gather_add();
    let native = compiler.compile(&[&kernel]).unwrap().kernels.remove(0);
    crate::jit::parallel::tests::check_split_by_target(&*native);
}

/// Integer and boolean arrays of a vectorisable kernel go through double buffers in blocks;
/// conversions, conditional stores and reads after stores behave as on the JIT.
#[test]
fn narrow_arrays_staged_in_blocks_give_the_jit_bits() {
    let Some(compiler) = compiler_or_skip("narrow") else {
        return;
    };
    let x = || load(0);
    let kernel = Kernel {
        name: "narrow".into(),
        arrays: vec![
            ArrayDecl::new("x", ElemType::F64, true),
            ArrayDecl::new("n", ElemType::I32, true),
            ArrayDecl::new("b", ElemType::Bool, true),
            ArrayDecl::new("flag", ElemType::Bool, false),
        ],
        scalars: vec![],
        iteration: Iteration::Range,
        prologue: vec![],
        body: vec![
            Stmt::Let(TempId(0), Expr::bin(BinaryOp::Add, load(1), load(3))),
            Stmt::If {
                cond: Expr::bin(BinaryOp::Gt, x(), Expr::c(0.0)),
                then: vec![store(1, Expr::bin(BinaryOp::Mul, x(), Expr::c(1e3)))],
                otherwise: vec![store(2, x())],
            },
            store(
                0,
                Expr::bin(
                    BinaryOp::Add,
                    Expr::Temp(TempId(0)),
                    Expr::bin(BinaryOp::Add, load(1), load(2)),
                ),
            ),
        ],
        n_temps: 1,
    };
    assert!(crate::jit::vector::can_vectorize(&kernel));
    let source = NativeCompiler::source(&[&kernel]).unwrap();
    assert!(source.contains("double buf1[256];"), "staged");
    let native = compiler.compile(&[&kernel]).unwrap().kernels.remove(0);
    let jit = Jit::new().compile(&kernel).unwrap();
    let special = [
        f64::NAN,
        -0.5,
        -0.0,
        3e10,
        -3e10,
        2147483647.5,
        0.4,
        -7.9,
        1e-300,
    ];
    let n = 700;
    let x0: Vec<f64> = (0..n)
        .map(|i| {
            special
                .get(i % 23)
                .copied()
                .unwrap_or(i as f64 * 0.37 - 90.0)
        })
        .collect();
    let run = |compiled: &dyn CompiledKernel, range: std::ops::Range<usize>| {
        let mut x = x0.clone();
        let mut ints: Vec<i32> = (0..n as i32).map(|i| i - 300).collect();
        let mut b: Vec<bool> = (0..n).map(|i| i % 3 == 0).collect();
        let mut flag: Vec<bool> = (0..n).map(|i| i % 5 == 0).collect();
        let mut call = KernelCall {
            arrays: vec![
                ArrayArg::F64(&mut x),
                ArrayArg::I32(&mut ints),
                ArrayArg::Bool(&mut b),
                ArrayArg::Bool(&mut flag),
            ],
            scalars: &[],
            elements: Elements::Range(range),
            rng: RngKey::default(),
            emitted: None,
        };
        compiled.run(&mut call).unwrap();
        (bits(&x), ints, b)
    };
    for range in [0..n, 3..n - 1, 250..520, 10..10] {
        assert_eq!(
            run(&*native, range.clone()),
            run(&*jit, range.clone()),
            "{range:?}"
        );
    }
}

/// Single-precision arrays: loads widen, stores round to nearest, as on the JIT.
#[test]
fn float32_arrays_give_the_jit_bits() {
    let Some(compiler) = compiler_or_skip("f32") else {
        return;
    };
    let kernel = Kernel {
        name: "f32".into(),
        arrays: vec![
            ArrayDecl::new("x", ElemType::F64, true),
            ArrayDecl::new("y", ElemType::F32, true),
        ],
        scalars: vec![],
        iteration: Iteration::Range,
        prologue: vec![],
        body: vec![
            store(
                1,
                Expr::call(
                    MathFn::Exp,
                    vec![Expr::bin(BinaryOp::Mul, load(0), load(1))],
                ),
            ),
            store(0, Expr::bin(BinaryOp::Add, load(1), Expr::c(0.1))),
        ],
        n_temps: 0,
    };
    let native = compiler.compile(&[&kernel]).unwrap().kernels.remove(0);
    let jit = Jit::new().compile(&kernel).unwrap();
    let n = 333;
    let run = |compiled: &dyn CompiledKernel| {
        let mut x: Vec<f64> = (0..n).map(|i| (i as f64 - 150.0) * 0.731).collect();
        let mut y: Vec<f32> = (0..n).map(|i| (i as f32) * 0.01 - 1.0).collect();
        for _ in 0..3 {
            let mut call = KernelCall {
                arrays: vec![ArrayArg::F64(&mut x), ArrayArg::F32(&mut y)],
                scalars: &[],
                elements: Elements::Range(1..n),
                rng: RngKey::default(),
                emitted: None,
            };
            compiled.run(&mut call).unwrap();
        }
        (bits(&x), y.iter().map(|v| v.to_bits()).collect::<Vec<_>>())
    };
    assert_eq!(run(&*native), run(&*jit));
}

/// A threshold (`if v > vt and not_refractory: emit; reset`) runs in two passes per block: the
/// same emitted list, in order, and the same arrays as the JIT, across block and word edges.
#[test]
fn thresholds_in_two_passes_give_the_jit_list_and_bits() {
    two_pass_threshold_matches_jit(
        "threshold",
        Expr::bin(
            BinaryOp::And,
            Expr::bin(BinaryOp::Gt, load(0), Expr::Scalar(ScalarId(0))),
            load(1),
        ),
    );
}

/// The flag pass writes conditions as C truths (comparisons, flag bytes, `and`, `or`,
/// `not`): NaN, `!=` and negated flags decide as the JIT's doubles do.
#[test]
fn threshold_truths_of_or_not_and_ne_give_the_jit_list() {
    two_pass_threshold_matches_jit(
        "threshold_truths",
        Expr::bin(
            BinaryOp::Or,
            Expr::bin(BinaryOp::Ne, load(0), load(0)),
            Expr::bin(
                BinaryOp::And,
                Expr::bin(BinaryOp::Ge, load(0), Expr::Scalar(ScalarId(0))),
                Expr::Unary(UnaryOp::Not, Box::new(load(1))),
            ),
        ),
    );
}

/// `test` names the cache directory: tests run in parallel, and each clears its own.
fn two_pass_threshold_matches_jit(test: &str, cond: Expr) {
    let Some(compiler) = compiler_or_skip(test) else {
        return;
    };
    let kernel = Kernel {
        name: "threshold".into(),
        arrays: vec![
            ArrayDecl::new("v", ElemType::F64, true),
            ArrayDecl::new("not_refractory", ElemType::Bool, true),
            ArrayDecl::new("lastspike", ElemType::F64, true),
        ],
        scalars: vec!["vt".into(), "t".into()],
        iteration: Iteration::Range,
        prologue: vec![],
        body: vec![Stmt::If {
            cond,
            then: vec![
                Stmt::Emit,
                store(0, Expr::c(-0.07)),
                store(1, Expr::c(0.0)),
                store(2, Expr::Scalar(ScalarId(1))),
            ],
            otherwise: vec![],
        }],
        n_temps: 0,
    };
    let source = NativeCompiler::source(&[&kernel]).unwrap();
    assert!(source.contains("uint8_t hit["), "two passes");
    let native = compiler.compile(&[&kernel]).unwrap().kernels.remove(0);
    let jit = Jit::new().compile(&kernel).unwrap();
    let n = 700;
    let run = |compiled: &dyn CompiledKernel, range: std::ops::Range<usize>| {
        // Spikers in runs and alone, at word (8) and block (256) edges; NaN counts as true.
        let mut v: Vec<f64> = (0..n)
            .map(|i| match i {
                7 | 8 | 255 | 256 | 257 | 511 | 512 | 699 => 0.01,
                300..=340 => 0.02,
                i if i % 97 == 0 => f64::NAN,
                i => -0.065 + 1e-5 * (i % 13) as f64,
            })
            .collect();
        let mut not_refractory: Vec<bool> = (0..n).map(|i| i % 11 != 3).collect();
        let mut lastspike = vec![-1.0; n];
        let mut out = Vec::new();
        let mut call = KernelCall {
            arrays: vec![
                ArrayArg::F64(&mut v),
                ArrayArg::Bool(&mut not_refractory),
                ArrayArg::F64(&mut lastspike),
            ],
            scalars: &[-0.05, 0.25],
            elements: Elements::Range(range),
            rng: RngKey::default(),
            emitted: Some(&mut out),
        };
        compiled.run(&mut call).unwrap();
        (out, bits(&v), not_refractory, bits(&lastspike))
    };
    for range in [0..n, 3..n - 1, 250..520, 8..16, 9..9, 256..257] {
        let native_result = run(&*native, range.clone());
        assert_eq!(native_result, run(&*jit, range.clone()), "{range:?}");
        if range == (0..n) {
            assert!(native_result.0.len() > 8, "{:?}", native_result.0);
        }
    }
}

/// Element indices as doubles and clamped table lookups (`TimedArray`s) convert through the
/// bits of `x + 2^52` in C (vectorisable): the JIT's values, including NaN, negative and
/// out-of-range positions, and an `and` of two tests.
#[test]
fn element_indices_and_clamped_lookups_give_the_jit_bits() {
    let Some(compiler) = compiler_or_skip("clamped") else {
        return;
    };
    let position = Expr::bin(
        BinaryOp::Sub,
        Expr::bin(BinaryOp::Mul, Expr::ElemIndex, Expr::Scalar(ScalarId(0))),
        Expr::c(3.0),
    );
    let kernel = Kernel {
        name: "lookup".into(),
        arrays: vec![
            ArrayDecl::new("y", ElemType::F64, true),
            ArrayDecl::new("table", ElemType::F64, false),
            ArrayDecl::new("i", ElemType::F64, true),
        ],
        scalars: vec!["scale".into()],
        iteration: Iteration::Range,
        prologue: vec![],
        body: vec![
            store(2, Expr::ElemIndex),
            store(
                0,
                Expr::select(
                    Expr::bin(
                        BinaryOp::And,
                        Expr::bin(BinaryOp::Ge, position.clone(), Expr::c(0.0)),
                        Expr::bin(BinaryOp::Le, position.clone(), Expr::c(40.0)),
                    ),
                    Expr::Load(ArrayId(1), Index::Clamped(Box::new(position))),
                    Expr::c(f64::NAN),
                ),
            ),
        ],
        n_temps: 0,
    };
    let native = compiler.compile(&[&kernel]).unwrap().kernels.remove(0);
    let jit = Jit::new().compile(&kernel).unwrap();
    let n = 300;
    let table: Vec<f64> = (0..41).map(|k| (k as f64).sqrt()).collect();
    let run = |compiled: &dyn CompiledKernel, scale: f64, range: std::ops::Range<usize>| {
        let mut y = vec![7.0; n];
        let mut t = table.clone();
        let mut i = vec![-1.0; n];
        let mut call = KernelCall {
            arrays: vec![
                ArrayArg::F64(&mut y),
                ArrayArg::F64(&mut t),
                ArrayArg::F64(&mut i),
            ],
            scalars: &[scale],
            elements: Elements::Range(range),
            rng: RngKey::default(),
            emitted: None,
        };
        compiled.run(&mut call).unwrap();
        (bits(&y), bits(&i))
    };
    for scale in [0.37, 1.0, -0.5, f64::NAN, 1e300] {
        for range in [0..n, 5..n - 3, 17..18] {
            assert_eq!(
                run(&*native, scale, range.clone()),
                run(&*jit, scale, range.clone()),
                "{scale} {range:?}"
            );
        }
    }
}
