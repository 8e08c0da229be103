//! Rough per-element cost of JIT-compiled kernels against the interpreter:
//! `cargo run -p rheobase-codegen --example kernel_speed`. Numbers are noisy on a shared machine;
//! the CPU time of the thread is printed next to wall time.

use std::time::Instant;

use rheobase_codegen::ir::BinaryOp::*;
use rheobase_codegen::{
    default_backend, interpreter, ArrayArg, ArrayDecl, Backend, ElemType, Elements, Expr, Index,
    Iteration, Jit, JitOptions, Kernel, KernelCall, MathFn, RngKey, ScalarId, Stmt,
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
    let exp_only = Expr::bin(
        Add,
        v(),
        Expr::bin(
            Mul,
            Expr::Scalar(ScalarId(0)),
            Expr::call(MathFn::Exp, vec![Expr::bin(Div, v(), Expr::c(-18.0))]),
        ),
    );
    [("lif", lif), ("exp", exp_only), ("exp_and_exprel", hh_like)]
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

/// CPU time of this thread in ns (Linux `schedstat`; on a loaded machine wall time mostly
/// measures waiting). Falls back to 0 elsewhere.
fn thread_cpu_ns() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0.0)
}

/// (wall, CPU) ns per element.
fn ns_per_element(backend: &dyn Backend, kernel: &Kernel, n: usize, calls: usize) -> (f64, f64) {
    let compiled = backend.compile(kernel).unwrap();
    let mut v = vec![-0.065; n];
    let start = Instant::now();
    let cpu = thread_cpu_ns();
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
    let per = (n * calls) as f64;
    (
        start.elapsed().as_secs_f64() * 1e9 / per,
        (thread_cpu_ns() - cpu) / per,
    )
}

fn main() {
    let n = 4000;
    let scalar = Jit::with_options(JitOptions {
        optimize: true,
        vectorize: false,
    });
    for kernel in kernels() {
        let (jit, jit_cpu) = ns_per_element(&*default_backend(), &kernel, n, 2000);
        let (jit1, jit1_cpu) = ns_per_element(&scalar, &kernel, n, 2000);
        let (interp, interp_cpu) = ns_per_element(&*interpreter(), &kernel, n, 50);
        println!(
            "{:16} ns/element, wall (CPU): JIT {jit:6.2} ({jit_cpu:6.2}), JIT one lane \
             {jit1:6.2} ({jit1_cpu:6.2}), interpreter {interp:7.1} ({interp_cpu:7.1})",
            kernel.name
        );
    }
}
