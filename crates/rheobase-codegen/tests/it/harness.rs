//! Owned state for kernel calls, and a runner that compares backends.

use rheobase_codegen::{
    interpreter, opt, ArrayArg, ArrayDecl, Backend, ElemType, Elements, Jit, JitOptions, Kernel,
    KernelCall, KernelError, RngKey,
};
use std::sync::{Arc, OnceLock};

#[derive(Clone, Debug)]
pub enum Data {
    F64(Vec<f64>),
    F32(Vec<f32>),
    I32(Vec<i32>),
    Bool(Vec<bool>),
}

impl PartialEq for Data {
    /// Bitwise, except that any NaN equals any NaN.
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Data::F64(a), Data::F64(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_f64(*x, *y))
            }
            (Data::F32(a), Data::F32(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .zip(b)
                        .all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()))
            }
            (Data::I32(a), Data::I32(b)) => a == b,
            (Data::Bool(a), Data::Bool(b)) => a == b,
            _ => false,
        }
    }
}

pub fn same_f64(x: f64, y: f64) -> bool {
    x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan())
}

/// Everything a call needs, owned.
#[derive(Clone, Debug)]
pub struct State {
    pub arrays: Vec<Data>,
    pub scalars: Vec<f64>,
    pub range: Option<std::ops::Range<usize>>,
    pub list: Vec<i32>,
    pub rng: RngKey,
}

#[derive(Debug, PartialEq)]
pub struct Outcome {
    pub result: Result<usize, KernelError>,
    pub arrays: Vec<Data>,
    pub emitted: Vec<i32>,
}

pub fn jit() -> Arc<dyn Backend> {
    static JIT: OnceLock<Arc<dyn Backend>> = OnceLock::new();
    JIT.get_or_init(|| Arc::new(Jit::new())).clone()
}

/// The JIT with every combination of its options (the default, both, first).
pub fn jit_variants() -> &'static [(JitOptions, Arc<dyn Backend>)] {
    static JITS: OnceLock<Vec<(JitOptions, Arc<dyn Backend>)>> = OnceLock::new();
    JITS.get_or_init(|| {
        [(true, true), (false, false), (true, false), (false, true)]
            .into_iter()
            .map(|(optimize, vectorize)| {
                let options = JitOptions {
                    optimize,
                    vectorize,
                };
                let backend: Arc<dyn Backend> = Arc::new(Jit::with_options(options));
                (options, backend)
            })
            .collect()
    })
}

pub fn decl(name: &str, ty: ElemType, writable: bool) -> ArrayDecl {
    ArrayDecl {
        name: name.into(),
        ty,
        writable,
    }
}

impl State {
    pub fn run(&self, backend: &dyn Backend, kernel: &Kernel) -> Outcome {
        let compiled = backend.compile(kernel).expect("kernel compiles");
        let mut arrays = self.arrays.clone();
        let mut emitted = Vec::new();
        let result = {
            let args = arrays
                .iter_mut()
                .map(|a| match a {
                    Data::F64(v) => ArrayArg::F64(v),
                    Data::F32(v) => ArrayArg::F32(v),
                    Data::I32(v) => ArrayArg::I32(v),
                    Data::Bool(v) => ArrayArg::Bool(v),
                })
                .collect();
            let elements = match &self.range {
                Some(r) => Elements::Range(r.clone()),
                None => Elements::List(&self.list),
            };
            let mut call = KernelCall {
                arrays: args,
                scalars: &self.scalars,
                elements,
                rng: self.rng,
                emitted: Some(&mut emitted),
            };
            compiled.run(&mut call)
        };
        Outcome {
            result,
            arrays,
            emitted,
        }
    }

    /// Runs `kernel` in the interpreter (the oracle), in the interpreter after
    /// [`opt::optimize`], and in the JIT with all its options and with none; asserts that all
    /// agree bit for bit and returns the common outcome.
    pub fn run_both(&self, kernel: &Kernel) -> Outcome {
        self.run_variants(kernel, &jit_variants()[..2])
    }

    /// As [`State::run_both`], with every combination of the JIT's options.
    pub fn run_all(&self, kernel: &Kernel) -> Outcome {
        self.run_variants(kernel, jit_variants())
    }

    fn run_variants(&self, kernel: &Kernel, jits: &[(JitOptions, Arc<dyn Backend>)]) -> Outcome {
        let reference = self.run(&*interpreter(), kernel);
        let optimized = opt::optimize(kernel);
        let interpreted = self.run(&*interpreter(), &optimized);
        assert_eq!(
            reference, interpreted,
            "interpreter vs interpreter after opt::optimize on kernel {kernel:#?}\noptimized: {optimized:#?}"
        );
        for (options, jit) in jits {
            let jitted = self.run(&**jit, kernel);
            assert_eq!(
                reference, jitted,
                "interpreter vs JIT ({options:?}) on kernel {kernel:#?}"
            );
        }
        reference
    }
}

pub fn f64s(d: &Data) -> &[f64] {
    match d {
        Data::F64(v) => v,
        other => panic!("expected f64 data, got {other:?}"),
    }
}
