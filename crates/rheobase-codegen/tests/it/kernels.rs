//! Hand-written kernels of the kinds the runtime lowers, run through both backends.

use crate::harness::{decl, f64s, same_f64, Data, State};
use rheobase_codegen::ir::BinaryOp::*;
use rheobase_codegen::{
    ArrayId, ElemType, Expr, Index, Iteration, Kernel, KernelError, MathFn, RandKind, RngKey,
    ScalarId, Stmt, TempId,
};

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

fn scalar(s: u32) -> Expr {
    Expr::Scalar(ScalarId(s))
}

fn temp(t: u32) -> Expr {
    Expr::Temp(TempId(t))
}

fn kernel(name: &str, arrays: Vec<rheobase_codegen::ArrayDecl>, body: Vec<Stmt>) -> Kernel {
    Kernel {
        name: name.into(),
        arrays,
        scalars: vec!["t".into(), "dt".into()],
        iteration: Iteration::Range,
        prologue: vec![],
        body,
        n_temps: 4,
    }
}

fn state(arrays: Vec<Data>, n: usize) -> State {
    State {
        arrays,
        scalars: vec![0.25, 1e-4],
        range: Some(0..n),
        list: vec![],
        rng: RngKey {
            seed: 1,
            stream: 2,
            step: 3,
        },
    }
}

/// `v += dt * (-(v + 0.07) + I) / 0.01` while not refractory.
#[test]
fn lif_update() {
    let k = kernel(
        "state_update",
        vec![
            decl("v", ElemType::F64, true),
            decl("I", ElemType::F64, false),
            decl("not_refractory", ElemType::Bool, false),
        ],
        vec![Stmt::If {
            cond: load(2),
            then: vec![store(
                0,
                Expr::bin(
                    Add,
                    load(0),
                    Expr::bin(
                        Div,
                        Expr::bin(
                            Mul,
                            scalar(1),
                            Expr::bin(
                                Add,
                                Expr::un(
                                    rheobase_codegen::UnaryOp::Neg,
                                    Expr::bin(Add, load(0), Expr::c(0.07)),
                                ),
                                load(1),
                            ),
                        ),
                        Expr::c(0.01),
                    ),
                ),
            )],
            otherwise: vec![],
        }],
    );
    let n = 100;
    let s = state(
        vec![
            Data::F64((0..n).map(|i| -0.07 + i as f64 * 1e-4).collect()),
            Data::F64((0..n).map(|i| (i % 7) as f64 * 0.003).collect()),
            Data::Bool((0..n).map(|i| i % 5 != 0).collect()),
        ],
        n,
    );
    let out = s.run_all(&k);
    assert_eq!(out.result, Ok(0));
    let v0 = f64s(&s.arrays[0]);
    let v1 = f64s(&out.arrays[0]);
    assert_eq!(v1[0], v0[0], "refractory neuron unchanged");
    let expected = v0[1] + 1e-4 * (-(v0[1] + 0.07) + 0.003) / 0.01;
    assert_eq!(v1[1], expected);
}

/// Hodgkin-Huxley gating with exp and exprel, through temporaries.
/// Single-precision state: loads widen to f64, the arithmetic is f64, stores round to the
/// nearest f32 (also in two-lane loops, with a scalar tail for odd counts); an f64 array next
/// to it keeps every bit.
#[test]
fn f32_arrays_round_on_store_only() {
    let k = kernel(
        "state_update",
        vec![
            decl("v", ElemType::F32, true),
            decl("w", ElemType::F64, true),
        ],
        vec![
            // w = v / 3 (f64 of the widened f32), v = v / 3 (rounded when stored)
            store(1, Expr::bin(Div, load(0), Expr::Const(3.0))),
            store(0, Expr::bin(Div, load(0), Expr::Const(3.0))),
        ],
    );
    let v: Vec<f32> = vec![1.0, 0.1, -7.5, 1e-40, f32::MAX, f32::NAN, 3.0];
    let out = state(
        vec![Data::F32(v.clone()), Data::F64(vec![0.0; v.len()])],
        v.len(),
    )
    .run_all(&k);
    let expected_w: Vec<f64> = v.iter().map(|&x| f64::from(x) / 3.0).collect();
    let expected_v: Vec<f32> = expected_w.iter().map(|&x| x as f32).collect();
    assert_eq!(out.arrays[0], Data::F32(expected_v));
    assert_eq!(out.arrays[1], Data::F64(expected_w));
    // 1e300 does not fit: rounds to infinity, as `as f32` does.
    let big = kernel(
        "big",
        vec![decl("v", ElemType::F32, true)],
        vec![store(0, Expr::Const(1e300))],
    );
    let out = state(vec![Data::F32(vec![0.0; 3])], 3).run_all(&big);
    assert_eq!(out.arrays[0], Data::F32(vec![f32::INFINITY; 3]));
}

#[test]
fn hh_like_gating() {
    let exp = |e| Expr::call(MathFn::Exp, vec![e]);
    let body = vec![
        // alpha_m = 1 / exprel(-(v + 40) / 10)
        Stmt::Let(
            TempId(0),
            Expr::bin(
                Div,
                Expr::c(1.0),
                Expr::call(
                    MathFn::Exprel,
                    vec![Expr::bin(
                        Div,
                        Expr::un(
                            rheobase_codegen::UnaryOp::Neg,
                            Expr::bin(Add, load(0), Expr::c(40.0)),
                        ),
                        Expr::c(10.0),
                    )],
                ),
            ),
        ),
        // beta_m = 4 exp(-(v + 65) / 18)
        Stmt::Let(
            TempId(1),
            Expr::bin(
                Mul,
                Expr::c(4.0),
                exp(Expr::bin(
                    Div,
                    Expr::bin(Add, load(0), Expr::c(65.0)),
                    Expr::c(-18.0),
                )),
            ),
        ),
        // m += dt (alpha (1 - m) - beta m)
        store(
            1,
            Expr::bin(
                Add,
                load(1),
                Expr::bin(
                    Mul,
                    Expr::c(0.01),
                    Expr::bin(
                        Sub,
                        Expr::bin(Mul, temp(0), Expr::bin(Sub, Expr::c(1.0), load(1))),
                        Expr::bin(Mul, temp(1), load(1)),
                    ),
                ),
            ),
        ),
        store(2, Expr::bin(Pow, load(1), Expr::c(3.0))),
    ];
    let k = kernel(
        "state_update",
        vec![
            decl("v", ElemType::F64, true),
            decl("m", ElemType::F64, true),
            decl("m3", ElemType::F64, true),
        ],
        body,
    );
    let n = 64;
    // -40 exercises exprel(0).
    let v: Vec<f64> = (0..n).map(|i| -80.0 + i as f64 * 1.25).collect();
    assert!(v.contains(&-40.0));
    let s = state(
        vec![
            Data::F64(v),
            Data::F64(vec![0.05; n]),
            Data::F64(vec![0.0; n]),
        ],
        n,
    );
    let out = s.run_all(&k);
    assert!(f64s(&out.arrays[1])
        .iter()
        .all(|m| m.is_finite() && *m > 0.0));
}

#[test]
fn threshold_emits_in_element_order() {
    let k = kernel(
        "threshold",
        vec![decl("v", ElemType::F64, false)],
        vec![Stmt::If {
            cond: Expr::bin(Gt, load(0), Expr::c(-0.05)),
            then: vec![Stmt::Emit],
            otherwise: vec![],
        }],
    );
    let v = vec![-0.06, -0.04, f64::NAN, 0.0, -0.05, 1.0];
    let mut s = state(vec![Data::F64(v)], 6);
    s.range = Some(1..6);
    let out = s.run_all(&k);
    assert_eq!(out.result, Ok(3));
    assert_eq!(out.emitted, vec![1, 3, 5]);
}

#[test]
fn reset_over_a_list() {
    let mut k = kernel(
        "reset",
        vec![
            decl("v", ElemType::F64, true),
            decl("lastspike", ElemType::F64, true),
            decl("count", ElemType::I32, true),
        ],
        vec![
            store(0, Expr::c(-0.07)),
            store(1, scalar(0)),
            store(2, Expr::bin(Add, load(2), Expr::c(1.0))),
        ],
    );
    k.iteration = Iteration::List;
    let mut s = state(
        vec![
            Data::F64(vec![0.1; 5]),
            Data::F64(vec![-1.0; 5]),
            Data::I32(vec![0, 1, 2, 3, 4]),
        ],
        0,
    );
    s.range = None;
    s.list = vec![4, 1, 1];
    let out = s.run_all(&k);
    assert_eq!(out.arrays[0], Data::F64(vec![0.1, -0.07, 0.1, 0.1, -0.07]));
    assert_eq!(out.arrays[2], Data::I32(vec![0, 3, 2, 3, 5]));
    // An entry past the arrays is refused before anything runs.
    s.list = vec![0, 5];
    let out = s.run_all(&k);
    assert!(matches!(
        out.result,
        Err(KernelError::IndexOutOfBounds { index: 5, .. })
    ));
    assert_eq!(out.arrays, s.arrays);
}

fn synapses_pre() -> Kernel {
    // g_post[post[_idx]] += w[_idx]; also reads v_post through the gather.
    let mut k = kernel(
        "synapses_pre",
        vec![
            decl("g", ElemType::F64, true),
            decl("w", ElemType::F64, false),
            decl("_synaptic_post", ElemType::I32, false),
            decl("seen", ElemType::F64, true),
        ],
        vec![
            Stmt::Store {
                array: ArrayId(0),
                index: Index::Gather(ArrayId(2)),
                value: Expr::bin(
                    Add,
                    Expr::Load(ArrayId(0), Index::Gather(ArrayId(2))),
                    load(1),
                ),
            },
            store(3, Expr::Load(ArrayId(0), Index::Gather(ArrayId(2)))),
        ],
    );
    k.iteration = Iteration::List;
    k
}

#[test]
fn gathers_accumulate_and_fail_out_of_bounds() {
    let k = synapses_pre();
    let mut s = state(
        vec![
            Data::F64(vec![0.0; 3]),
            Data::F64(vec![0.5, 0.25, 1.0, 2.0]),
            Data::I32(vec![2, 0, 2, 1]),
            Data::F64(vec![0.0; 4]),
        ],
        0,
    );
    s.range = None;
    s.list = vec![0, 1, 2, 3];
    let out = s.run_all(&k);
    assert_eq!(out.arrays[0], Data::F64(vec![0.25, 2.0, 1.5]));
    assert_eq!(out.arrays[3], Data::F64(vec![0.5, 0.25, 1.5, 2.0]));

    s.arrays[2] = Data::I32(vec![2, 0, 3, -1]);
    let out = s.run_all(&k);
    assert_eq!(
        out.result,
        Err(KernelError::IndexOutOfBounds {
            kernel: "synapses_pre".into(),
            array: "g".into(),
            index: 3,
            len: 3
        })
    );
    s.list = vec![3];
    let out = s.run_all(&k);
    assert!(matches!(
        out.result,
        Err(KernelError::IndexOutOfBounds { index: -1, .. })
    ));
}

/// `I = table[int(t / dt_table + 0.5)]`, TimedArray style, with out-of-range times failing.
#[test]
fn timed_array_loads_through_computed_indices() {
    let mut k = kernel(
        "state_update",
        vec![
            decl("I", ElemType::F64, true),
            decl("table", ElemType::F64, false),
        ],
        vec![store(
            0,
            Expr::Load(
                ArrayId(1),
                Index::At(Box::new(Expr::bin(
                    Add,
                    Expr::bin(Div, scalar(0), Expr::c(0.1)),
                    Expr::bin(Mul, Expr::ElemIndex, Expr::c(0.5)),
                ))),
            ),
        )],
    );
    k.prologue = vec![Stmt::Let(
        TempId(0),
        Expr::Load(ArrayId(1), Index::At(Box::new(Expr::c(0.0)))),
    )];
    let mut s = state(
        vec![
            Data::F64(vec![0.0; 4]),
            Data::F64(vec![10.0, 11.0, 12.0, 13.0, 14.0]),
        ],
        4,
    );
    s.scalars[0] = 0.1;
    let out = s.run_all(&k);
    assert_eq!(out.arrays[0], Data::F64(vec![11.0, 11.0, 12.0, 12.0]));
    for (t, bad) in [
        (0.45, 5),
        (-0.2, -2),
        (f64::NAN, i64::MIN),
        (1e300, i64::MAX),
    ] {
        s.scalars[0] = t;
        let out = s.run_all(&k);
        match out.result {
            Err(KernelError::IndexOutOfBounds { index, len: 5, .. }) => {
                assert_eq!(index, bad, "t = {t}")
            }
            other => panic!("t = {t}: {other:?}"),
        }
    }
}

/// `Index::Clamped`: any value selects an element (NaN and negatives the first, past the
/// end the last), nothing fails, and the kernel keeps its two-lane loop.
#[test]
fn clamped_indices_never_fail_and_vectorize() {
    let k = kernel(
        "state_update",
        vec![
            decl("I", ElemType::F64, true),
            decl("table", ElemType::F64, false),
            decl("pos", ElemType::F64, false),
        ],
        vec![store(
            0,
            Expr::Load(
                ArrayId(1),
                Index::Clamped(Box::new(Expr::Load(ArrayId(2), Index::Elem))),
            ),
        )],
    );
    assert!(rheobase_codegen::jit::vector::can_vectorize(&k));
    let positions = vec![
        0.0,
        1.9,
        -0.5,
        -7.0,
        f64::NAN,
        3.99,
        4.0,
        1e300,
        f64::INFINITY,
    ];
    let n = positions.len();
    let s = state(
        vec![
            Data::F64(vec![0.0; n]),
            Data::F64(vec![10.0, 11.0, 12.0, 13.0]),
            Data::F64(positions),
        ],
        n,
    );
    let out = s.run_all(&k);
    assert!(out.result.is_ok(), "{:?}", out.result);
    assert_eq!(
        out.arrays[0],
        Data::F64(vec![10.0, 11.0, 10.0, 10.0, 10.0, 13.0, 13.0, 13.0, 13.0])
    );
}

#[test]
fn random_numbers_are_identical_in_both_backends() {
    let rand = |kind, site| Expr::Rand { kind, site };
    let k = kernel(
        "state_update",
        vec![
            decl("u", ElemType::F64, true),
            decl("z", ElemType::F64, true),
            decl("p", ElemType::F64, true),
            decl("b", ElemType::I32, true),
        ],
        vec![
            store(0, rand(RandKind::Uniform, 0)),
            store(1, rand(RandKind::Normal, u32::MAX)),
            store(
                2,
                rand(
                    RandKind::Poisson(Box::new(Expr::bin(Mul, Expr::ElemIndex, Expr::c(0.5)))),
                    2,
                ),
            ),
            store(
                3,
                rand(
                    RandKind::Binomial(Box::new(Expr::c(100.0)), Box::new(Expr::c(0.3))),
                    3,
                ),
            ),
        ],
    );
    let n = 2000;
    let zeros = || Data::F64(vec![0.0; n]);
    let s = state(vec![zeros(), zeros(), zeros(), Data::I32(vec![0; n])], n);
    let out = s.run_all(&k);
    let u = f64s(&out.arrays[0]);
    let mean_u = u.iter().sum::<f64>() / n as f64;
    assert!((mean_u - 0.5).abs() < 0.03, "{mean_u}");
    let z = f64s(&out.arrays[1]);
    assert!((z.iter().sum::<f64>() / n as f64).abs() < 0.1);
    // Another step gives other numbers; the same step the same ones.
    let mut s2 = s.clone();
    s2.rng.step += 1;
    let out2 = s2.run_both(&k);
    assert_ne!(out2.arrays[0], out.arrays[0]);
    assert_eq!(s.run_all(&k).arrays, out.arrays);
}

#[test]
fn rand_in_prologue_uses_element_zero() {
    let mut k = kernel(
        "prologue_rand",
        vec![decl("x", ElemType::F64, true)],
        vec![store(0, temp(0))],
    );
    k.prologue = vec![Stmt::Let(
        TempId(0),
        Expr::Rand {
            kind: RandKind::Uniform,
            site: 7,
        },
    )];
    let s = state(vec![Data::F64(vec![0.0; 3])], 3);
    let out = s.run_all(&k);
    let x = f64s(&out.arrays[0]);
    assert!(x[0] == x[1] && x[1] == x[2] && x[0] > 0.0);
}

#[test]
fn bad_calls_are_refused_by_both() {
    let k = kernel(
        "k",
        vec![decl("v", ElemType::F64, true)],
        vec![store(0, Expr::c(1.0))],
    );
    let mut wrong_type = state(vec![Data::I32(vec![0; 3])], 3);
    assert!(matches!(
        wrong_type.run_both(&k).result,
        Err(KernelError::BadCall { .. })
    ));
    wrong_type.arrays = vec![];
    assert!(matches!(
        wrong_type.run_both(&k).result,
        Err(KernelError::BadCall { .. })
    ));
    let mut short = state(vec![Data::F64(vec![0.0; 3])], 4);
    assert!(matches!(
        short.run_both(&k).result,
        Err(KernelError::IndexOutOfBounds {
            index: 3,
            len: 3,
            ..
        })
    ));
    short.range = None;
    assert!(matches!(
        short.run_both(&k).result,
        Err(KernelError::BadCall { .. })
    ));
    let mut few_scalars = state(vec![Data::F64(vec![0.0; 3])], 3);
    few_scalars.scalars.pop();
    assert!(matches!(
        few_scalars.run_all(&k).result,
        Err(KernelError::BadCall { .. })
    ));
}

#[test]
fn several_emits_per_element_fit_the_buffer() {
    let k = kernel(
        "double_emit",
        vec![decl("v", ElemType::F64, false)],
        vec![
            Stmt::Emit,
            Stmt::If {
                cond: load(0),
                then: vec![Stmt::Emit],
                otherwise: vec![],
            },
        ],
    );
    let s = state(vec![Data::F64(vec![1.0, 0.0, 1.0])], 3);
    let out = s.run_all(&k);
    assert_eq!(out.emitted, vec![0, 0, 1, 2, 2]);
    assert_eq!(out.result, Ok(5));
}

/// A 30-statement kernel: compile time of the JIT (printed; asserted loosely, since debug
/// builds and a shared machine are slow).
#[test]
fn jit_compile_time_of_a_30_statement_kernel() {
    let mut body = Vec::new();
    for i in 0..30u32 {
        let e = Expr::bin(
            Add,
            Expr::bin(
                Mul,
                load(i % 3),
                Expr::call(
                    MathFn::Exp,
                    vec![Expr::bin(Mul, temp(i % 4), Expr::c(-0.01))],
                ),
            ),
            Expr::bin(
                Div,
                scalar(1),
                Expr::bin(Add, load((i + 1) % 3), Expr::c(2.0)),
            ),
        );
        body.push(if i % 3 == 2 {
            store(i % 3, e)
        } else {
            Stmt::Let(TempId(i % 4), e)
        });
    }
    let k = kernel(
        "state_update",
        vec![
            decl("a", ElemType::F64, true),
            decl("b", ElemType::F64, true),
            decl("c", ElemType::F64, true),
        ],
        body,
    );
    let jit = crate::harness::jit();
    let mut times: Vec<_> = (0..7)
        .map(|_| {
            let start = std::time::Instant::now();
            let compiled = jit.compile(&k).unwrap();
            let elapsed = start.elapsed();
            drop(compiled);
            elapsed
        })
        .collect();
    times.sort();
    let per = times[times.len() / 2];
    eprintln!(
        "JIT compile of a 30-statement kernel: min {:?}, median {per:?}",
        times[0]
    );
    assert!(per.as_secs_f64() < 1.0);
    let s = state(
        vec![
            Data::F64(vec![0.5; 16]),
            Data::F64(vec![1.5; 16]),
            Data::F64(vec![-0.5; 16]),
        ],
        16,
    );
    s.run_all(&k);
}

#[test]
fn compiled_kernels_are_shared_across_threads() {
    let k = kernel(
        "k",
        vec![decl("v", ElemType::F64, true)],
        vec![store(0, Expr::ElemIndex)],
    );
    let compiled = crate::harness::jit().compile(&k).unwrap();
    std::thread::scope(|scope| {
        for t in 0..2 {
            let compiled = compiled.clone();
            scope.spawn(move || {
                let mut v = vec![0.0; 8];
                let mut call = rheobase_codegen::KernelCall {
                    arrays: vec![rheobase_codegen::ArrayArg::F64(&mut v)],
                    scalars: &[1.0, 2.0],
                    elements: rheobase_codegen::Elements::Range(t..8),
                    rng: RngKey::default(),
                    emitted: None,
                };
                compiled.run(&mut call).unwrap();
                assert_eq!(v[7], 7.0);
            });
        }
    });
}

/// `exp`, `expm1`, `log` and `exprel`, inline in the JIT (one and two lanes), give the same
/// bits as the interpreter's scalar functions on edge cases and on random bit patterns.
#[test]
fn inline_math_functions_match_the_interpreter_bitwise() {
    let mut xs = vec![
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
        709.78,
        710.0,
        716.0,
        -745.1,
        -746.0,
        1e-300,
        -0.3,
        0.35,
        1.2,
        -40.0,
        50.0,
    ];
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for i in 0..2000 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        xs.push(if i % 2 == 0 {
            f64::from_bits(seed)
        } else {
            (seed >> 11) as f64 / (1u64 << 53) as f64 * 1500.0 - 750.0
        });
    }
    // An odd count: the last element runs in the scalar tail.
    xs.push(0.5);
    let n = xs.len();
    for f in [MathFn::Exp, MathFn::Expm1, MathFn::Log, MathFn::Exprel] {
        let k = kernel(
            "math",
            vec![
                decl("x", ElemType::F64, false),
                decl("y", ElemType::F64, true),
            ],
            vec![store(1, Expr::call(f, vec![load(0)]))],
        );
        let s = state(vec![Data::F64(xs.clone()), Data::F64(vec![0.0; n])], n);
        let out = s.run_all(&k);
        let ys = f64s(&out.arrays[1]);
        for (x, y) in xs.iter().zip(ys) {
            let expected = rheobase_codegen::mathfn::apply(f, &[*x]);
            assert!(same_f64(*y, expected), "{f:?}({x:e})");
        }
    }
}
