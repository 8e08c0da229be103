//! Random kernels (every operator, math function, index kind, Select and random draw) over a
//! few arrays: the interpreter and the JIT must agree exactly, errors included, and neither
//! may panic. Computed table indices are kept mostly in bounds (raw ones appear as store
//! indices, and gather indices are sometimes out of range) so that most cases run to the end.

use crate::harness::{decl, Data, State};
use proptest::prelude::*;
use rheobase_codegen::{
    ArrayId, BinaryOp, ElemType, Expr, Index, Iteration, Kernel, MathFn, RandKind, RngKey,
    ScalarId, Stmt, TempId, UnaryOp,
};

const N: usize = 6;
const TEMPS: u32 = 3;

const BINARY: [BinaryOp; 17] = BinaryOp::ALL;

const MATH: [MathFn; 22] = MathFn::ALL;

fn constant() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => -10.0..10.0f64,
        1 => prop::sample::select(vec![
            0.0, -0.0, 1.0, -1.0, 0.5, 2.0, 3.0, 1e-300, 1e300, 710.0, -745.5,
            f64::NAN, f64::INFINITY, f64::NEG_INFINITY, f64::MIN_POSITIVE,
        ]),
    ]
}

/// Arrays: 0 `x` F64, 1 `n` I32, 2 `b` Bool, 3 `post` I32 (gather index, read-only),
/// 4 `table` F64 (read-only, shorter).
fn leaf() -> impl Strategy<Value = Expr> {
    prop_oneof![
        3 => constant().prop_map(Expr::Const),
        1 => (0..2u32).prop_map(|s| Expr::Scalar(ScalarId(s))),
        2 => (0..TEMPS).prop_map(|t| Expr::Temp(TempId(t))),
        1 => Just(Expr::ElemIndex),
        3 => (0..3u32).prop_map(|a| Expr::Load(ArrayId(a), Index::Elem)),
        1 => (0..3u32).prop_map(|a| Expr::Load(ArrayId(a), Index::Shared)),
        1 => (0..3u32).prop_map(|a| Expr::Load(ArrayId(a), Index::Gather(ArrayId(3)))),
        1 => (0..2u32).prop_map(|site| Expr::Rand { kind: RandKind::Uniform, site }),
        1 => (0..2u32).prop_map(|site| Expr::Rand { kind: RandKind::Normal, site }),
    ]
}

fn expr() -> impl Strategy<Value = Expr> {
    leaf().prop_recursive(5, 48, 3, |inner| {
        prop_oneof![
            2 => (prop::sample::select(BINARY.to_vec()), inner.clone(), inner.clone())
                .prop_map(|(op, a, b)| Expr::bin(op, a, b)),
            1 => (prop::bool::ANY, inner.clone()).prop_map(|(neg, a)| {
                Expr::un(if neg { UnaryOp::Neg } else { UnaryOp::Not }, a)
            }),
            2 => (prop::sample::select(MATH.to_vec()), prop::collection::vec(inner.clone(), 3))
                .prop_map(|(f, mut args)| {
                    args.truncate(f.arity());
                    Expr::call(f, args)
                }),
            1 => (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(c, a, b)| Expr::select(c, a, b)),
            // In bounds: `select(|at| < 1e9, at % 2, 0)` lies in [0, 2) (tables have 2+ rows).
            3 => inner.clone().prop_map(|at| Expr::Load(ArrayId(4), Index::At(Box::new(in_table(at))))),
            // Clamped indices take any value; a written array keeps the loop scalar.
            2 => (inner.clone(), prop::sample::select(vec![0u32, 4]))
                .prop_map(|(at, a)| Expr::Load(ArrayId(a), Index::Clamped(Box::new(at)))),
            1 => (inner.clone(), 2..4u32).prop_map(|(l, site)| Expr::Rand {
                kind: RandKind::Poisson(Box::new(Expr::call(MathFn::Abs, vec![l]))),
                site,
            }),
            1 => (inner.clone(), inner.clone(), 4..6u32).prop_map(|(n, p, site)| Expr::Rand {
                kind: RandKind::Binomial(Box::new(n), Box::new(p)),
                site,
            }),
        ]
    })
}

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

fn index(e: Expr) -> impl Strategy<Value = Index> {
    prop_oneof![
        4 => Just(Index::Elem),
        1 => Just(Index::Shared),
        1 => Just(Index::Gather(ArrayId(3))),
        1 => Just(Index::At(Box::new(e))),
    ]
}

fn stmt() -> impl Strategy<Value = Stmt> {
    let simple = prop_oneof![
        3 => ((0..TEMPS), expr()).prop_map(|(t, e)| Stmt::Let(TempId(t), e)),
        3 => ((0..3u32), expr(), expr())
            .prop_flat_map(|(a, at, v)| (Just(a), index(at), Just(v)))
            .prop_map(|(a, index, value)| Stmt::Store { array: ArrayId(a), index, value }),
        1 => Just(Stmt::Emit),
    ];
    simple.prop_recursive(2, 12, 3, |inner| {
        (
            expr(),
            prop::collection::vec(inner.clone(), 0..3),
            prop::collection::vec(inner, 0..2),
        )
            .prop_map(|(cond, then, otherwise)| Stmt::If {
                cond,
                then,
                otherwise,
            })
    })
}

fn kernel(prologue: Vec<Stmt>, body: Vec<Stmt>, iteration: Iteration) -> Kernel {
    Kernel {
        name: "fuzz".into(),
        arrays: vec![
            decl("x", ElemType::F64, true),
            decl("n", ElemType::I32, true),
            decl("b", ElemType::Bool, true),
            decl("post", ElemType::I32, false),
            decl("table", ElemType::F64, false),
        ],
        scalars: vec!["t".into(), "dt".into()],
        iteration,
        prologue,
        body,
        n_temps: TEMPS,
    }
}

/// Prologue statements may not touch `_idx`; keep only temporaries and shared stores.
fn prologue_stmt() -> impl Strategy<Value = Stmt> {
    ((0..TEMPS), constant(), 0..3u32).prop_map(|(t, c, a)| {
        if t == 0 {
            Stmt::Store {
                array: ArrayId(a),
                index: Index::Shared,
                value: Expr::Const(c),
            }
        } else {
            Stmt::Let(
                TempId(t),
                Expr::bin(
                    BinaryOp::Add,
                    Expr::Const(c),
                    Expr::Load(ArrayId(a), Index::Shared),
                ),
            )
        }
    })
}

fn state() -> impl Strategy<Value = State> {
    (
        prop::collection::vec(constant(), N),
        prop::collection::vec(-5..5i32, N),
        prop::collection::vec(prop::bool::ANY, N),
        prop::collection::vec(prop_oneof![9 => 0..N as i32, 1 => -1..(N as i32 + 1)], N),
        prop::collection::vec(constant(), 2..5),
        (constant(), constant()),
        prop::option::of(0..N),
        prop::collection::vec(0..N as i32, 0..8),
        any::<u64>(),
    )
        .prop_map(|(x, n, b, post, table, (t, dt), start, list, seed)| State {
            arrays: vec![
                Data::F64(x),
                Data::I32(n),
                Data::Bool(b),
                Data::I32(post),
                Data::F64(table),
            ],
            scalars: vec![t, dt],
            range: start.map(|s| s..N),
            list,
            rng: RngKey {
                seed,
                stream: 11,
                step: 5,
            },
        })
}

proptest! {
    // Each case compiles the kernel twice with inline exp/expm1/log/exprel, which makes
    // Cranelift's work per case large: 120 cases keep the test near ten seconds.
    #![proptest_config(ProptestConfig { cases: 120, ..ProptestConfig::default() })]

    #[test]
    fn interpreter_and_jit_agree(
        prologue in prop::collection::vec(prologue_stmt(), 0..3),
        body in prop::collection::vec(stmt(), 1..6),
        state in state(),
    ) {
        let iteration = if state.range.is_some() { Iteration::Range } else { Iteration::List };
        let k = kernel(prologue, body, iteration);
        // run_both asserts equality of results, arrays and emitted lists.
        state.run_both(&k);
    }
}

/// Expressions whose ids, arities and contexts may be invalid.
fn wild_expr() -> impl Strategy<Value = Expr> {
    let leaf = prop_oneof![
        constant().prop_map(Expr::Const),
        (0..4u32).prop_map(|s| Expr::Scalar(ScalarId(s))),
        (0..5u32).prop_map(|t| Expr::Temp(TempId(t))),
        Just(Expr::ElemIndex),
        (0..7u32, 0..7u32).prop_map(|(a, g)| Expr::Load(ArrayId(a), Index::Gather(ArrayId(g)))),
        (0..7u32).prop_map(|a| Expr::Load(ArrayId(a), Index::Elem)),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            (
                prop::sample::select(MATH.to_vec()),
                prop::collection::vec(inner.clone(), 0..4)
            )
                .prop_map(|(f, args)| Expr::call(f, args)),
            (prop::sample::select(BINARY.to_vec()), inner.clone(), inner)
                .prop_map(|(op, a, b)| Expr::bin(op, a, b)),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Malformed kernels are refused by both backends alike (a `CompileError`, never a panic),
    /// and well-formed ones agree.
    #[test]
    fn malformed_kernels_are_refused_alike(
        prologue in prop::collection::vec(wild_expr(), 0..2),
        body in prop::collection::vec((0..5u32, wild_expr()), 1..4),
        store_to in 0..7u32,
        state in state(),
    ) {
        let mut k = kernel(
            prologue.into_iter().map(|e| Stmt::Let(TempId(0), e)).collect(),
            body.into_iter().map(|(t, e)| Stmt::Let(TempId(t), e)).collect(),
            if state.range.is_some() { Iteration::Range } else { Iteration::List },
        );
        k.body.push(Stmt::Store { array: ArrayId(store_to), index: Index::Elem, value: Expr::c(1.0) });
        let a = rheobase_codegen::interpreter().compile(&k).err();
        let b = crate::harness::jit().compile(&k).err();
        prop_assert_eq!(&a, &b);
        if a.is_none() {
            state.run_both(&k);
        }
    }
}

/// Expressions a two-lane loop can run: no random draws, gathers or computed indices; shared
/// loads only from the read-only arrays.
fn lane_expr() -> impl Strategy<Value = Expr> {
    let leaf = prop_oneof![
        3 => constant().prop_map(Expr::Const),
        1 => (0..2u32).prop_map(|s| Expr::Scalar(ScalarId(s))),
        2 => (0..TEMPS).prop_map(|t| Expr::Temp(TempId(t))),
        1 => Just(Expr::ElemIndex),
        4 => (0..3u32).prop_map(|a| Expr::Load(ArrayId(a), Index::Elem)),
        1 => (3..5u32).prop_map(|a| Expr::Load(ArrayId(a), Index::Shared)),
    ];
    leaf.prop_recursive(5, 48, 3, |inner| {
        prop_oneof![
            2 => (prop::sample::select(BINARY.to_vec()), inner.clone(), inner.clone())
                .prop_map(|(op, a, b)| Expr::bin(op, a, b)),
            1 => (prop::bool::ANY, inner.clone()).prop_map(|(neg, a)| {
                Expr::un(if neg { UnaryOp::Neg } else { UnaryOp::Not }, a)
            }),
            3 => (prop::sample::select(MATH.to_vec()), prop::collection::vec(inner.clone(), 3))
                .prop_map(|(f, mut args)| {
                    args.truncate(f.arity());
                    Expr::call(f, args)
                }),
            1 => (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(c, a, b)| Expr::select(c, a, b)),
        ]
    })
}

/// Body statements: temporaries 0 and 1 (assigned first, so later reads see this element's
/// values), stores at `_idx` to the three writable arrays and branches of these; temporary 2
/// is the prologue's.
fn lane_body() -> impl Strategy<Value = Vec<Stmt>> {
    let simple = prop_oneof![
        ((0..2u32), lane_expr()).prop_map(|(t, e)| Stmt::Let(TempId(t), e)),
        ((0..3u32), lane_expr()).prop_map(|(a, value)| Stmt::Store {
            array: ArrayId(a),
            index: Index::Elem,
            value,
        }),
    ];
    // Branches (if-converted in two-lane loops), nested at most twice.
    let stmt = simple.prop_recursive(2, 8, 3, |inner| {
        (
            lane_expr(),
            prop::collection::vec(inner.clone(), 0..3),
            prop::collection::vec(inner, 0..2),
        )
            .prop_map(|(cond, then, otherwise)| Stmt::If {
                cond,
                then,
                otherwise,
            })
    });
    (lane_expr(), lane_expr(), prop::collection::vec(stmt, 1..6)).prop_map(|(t0, t1, rest)| {
        let mut body = vec![Stmt::Let(TempId(0), t0), Stmt::Let(TempId(1), t1)];
        body.extend(rest);
        body
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 100, ..ProptestConfig::default() })]

    /// Element-wise kernels, most of which run two lanes at a time in the JIT (with a scalar
    /// tail for odd counts): every JIT variant agrees with the interpreter.
    #[test]
    fn two_lane_loops_agree_with_the_interpreter(
        (c, shared_array) in (constant(), 3..5u32),
        body in lane_body(),
        mut state in state(),
    ) {
        let shared = Expr::call(
            MathFn::Exp,
            vec![Expr::bin(BinaryOp::Add, Expr::c(c), Expr::Load(ArrayId(shared_array), Index::Shared))],
        );
        let prologue = vec![Stmt::Let(TempId(2), shared)];
        state.range.get_or_insert(0..N);
        let k = kernel(prologue, body, Iteration::Range);
        state.run_both(&k);
    }
}
