//! Rough per-element cost of JIT-compiled kernels against the interpreter:
//! `cargo run -p rheobase-codegen --example kernel_speed`. Numbers are noisy on a shared machine.

use std::time::Instant;

use rheobase_codegen::ir::BinaryOp::*;
use rheobase_codegen::{
    default_backend, interpreter, ArrayArg, ArrayDecl, Backend, ElemType, Elements, Expr, Index,
    Iteration, Kernel, KernelCall, MathFn, RngKey, ScalarId, Stmt,
};

fn v() -> Expr {
    Expr::Load(rheobase_codegen::ArrayId(0), Index::Elem)
}

fn kernels() -> Vec<Kernel> {
    let decl = ArrayDecl {
        name: "v".into(),
        ty: ElemType::F64,
        writable: true,
    };
    let dt = Expr::Scalar(ScalarId(0));
    let lif = Expr::bin(
        Add,
        v(),
        Expr::bin(
            Mul,
            dt.clone(),
            Expr::bin(Div, Expr::bin(Sub, Expr::c(-0.06), v()), Expr::c(0.02)),
        ),
    );
    let hh_like = Expr::bin(
        Add,
        v(),
        Expr::bin(
            Mul,
            dt,
            Expr::bin(
                Sub,
                Expr::call(MathFn::Exp, vec![Expr::bin(Div, v(), Expr::c(-18.0))]),
                Expr::bin(
                    Div,
                    Expr::c(0.1),
                    Expr::call(MathFn::Exprel, vec![Expr::bin(Div, v(), Expr::c(-10.0))]),
                ),
            ),
        ),
    );
    [("lif", lif), ("exp_and_exprel", hh_like)]
        .into_iter()
        .map(|(name, value)| Kernel {
            name: name.into(),
            arrays: vec![decl.clone()],
            scalars: vec!["dt".into()],
            iteration: Iteration::Range,
            prologue: vec![],
            body: vec![Stmt::Store {
                array: rheobase_codegen::ArrayId(0),
                index: Index::Elem,
                value,
            }],
            n_temps: 0,
        })
        .collect()
}

fn ns_per_element(backend: &dyn Backend, kernel: &Kernel, n: usize, calls: usize) -> f64 {
    let compiled = backend.compile(kernel).unwrap();
    let mut v = vec![-0.065; n];
    let start = Instant::now();
    for _ in 0..calls {
        let mut call = KernelCall {
            arrays: vec![ArrayArg::F64(&mut v)],
            scalars: &[1e-4],
            elements: Elements::Range(0..n),
            rng: RngKey::default(),
            emitted: None,
        };
        compiled.run(&mut call).unwrap();
    }
    start.elapsed().as_secs_f64() * 1e9 / (n * calls) as f64
}

fn main() {
    let n = 4000;
    for kernel in kernels() {
        let jit = ns_per_element(&*default_backend(), &kernel, n, 2000);
        let interp = ns_per_element(&*interpreter(), &kernel, n, 50);
        println!(
            "{:16} JIT {jit:6.2} ns/element, interpreter {interp:7.1} ns/element",
            kernel.name
        );
    }
}
