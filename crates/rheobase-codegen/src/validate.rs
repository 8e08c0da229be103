//! Checks shared by every backend: that a kernel is well formed (at compile time) and that a
//! call matches its kernel (once per call, before any element runs). Backends rely on these
//! checks: the JIT does not bounds-check `Index::Elem` or `Index::Shared` accesses itself.

use crate::backend::{ArrayArg, CompileError, Elements, KernelCall, KernelError};
use crate::ir::{ArrayId, ElemType, Expr, Index, Iteration, Kernel, RandKind, Stmt};
use crate::random::{MAX_ELEMENT, MAX_STEP};

/// Deepest nesting of expressions and statements accepted; keeps recursion in the backends
/// far from the stack limit.
pub const MAX_NESTING: usize = 256;
/// Most temporaries a kernel may declare.
pub const MAX_TEMPS: u32 = 1 << 16;

/// What the backends need to know about a checked kernel.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct KernelFacts {
    /// Arrays accessed at `_idx` (directly or as the index array of a gather), sorted.
    pub elem_arrays: Vec<ArrayId>,
    /// Arrays accessed at index 0 (`Index::Shared`), sorted.
    pub shared_arrays: Vec<ArrayId>,
    /// Arrays accessed through a gather (`array[by[_idx]]`), with the gather array, sorted.
    pub gathered_arrays: Vec<(ArrayId, ArrayId)>,
    pub uses_rand: bool,
    /// Most `Emit`s one run of the body can execute (sizes the JIT's output buffer).
    pub max_emits_per_element: u64,
}

/// Checks that every id is in range, call arities match, gathers go through `I32` arrays,
/// stores go to writable arrays, the prologue uses no element index, and nesting is bounded.
pub fn check_kernel(kernel: &Kernel) -> Result<KernelFacts, CompileError> {
    let fail = |reason: String| CompileError {
        kernel: kernel.name.clone(),
        reason,
    };
    if kernel.n_temps > MAX_TEMPS {
        return Err(fail(format!(
            "{} temporaries (at most {MAX_TEMPS})",
            kernel.n_temps
        )));
    }
    let mut checker = Checker {
        kernel,
        facts: KernelFacts::default(),
        in_prologue: true,
    };
    checker.stmts(&kernel.prologue, 0).map_err(fail)?;
    checker.in_prologue = false;
    let emits = checker.stmts(&kernel.body, 0).map_err(fail)?;
    let mut facts = checker.facts;
    facts.max_emits_per_element = emits;
    facts.elem_arrays.sort();
    facts.elem_arrays.dedup();
    facts.shared_arrays.sort();
    facts.shared_arrays.dedup();
    facts.gathered_arrays.sort();
    facts.gathered_arrays.dedup();
    Ok(facts)
}

struct Checker<'k> {
    kernel: &'k Kernel,
    facts: KernelFacts,
    in_prologue: bool,
}

impl Checker<'_> {
    /// Returns the most `Emit`s one run of `stmts` can execute.
    fn stmts(&mut self, stmts: &[Stmt], depth: usize) -> Result<u64, String> {
        if depth > MAX_NESTING {
            return Err(format!("statements nested deeper than {MAX_NESTING}"));
        }
        let mut emits = 0u64;
        for stmt in stmts {
            match stmt {
                Stmt::Let(temp, value) => {
                    self.temp(temp.0)?;
                    self.expr(value, depth + 1)?;
                }
                Stmt::Store {
                    array,
                    index,
                    value,
                } => {
                    let decl = self.array(*array)?;
                    if !decl.writable {
                        return Err(format!("store to read-only array '{}'", decl.name));
                    }
                    if matches!(index, Index::Clamped(_)) {
                        return Err(format!("store to '{}' at a clamped index", decl.name));
                    }
                    self.index(*array, index, depth + 1)?;
                    self.expr(value, depth + 1)?;
                }
                Stmt::If {
                    cond,
                    then,
                    otherwise,
                } => {
                    self.expr(cond, depth + 1)?;
                    let a = self.stmts(then, depth + 1)?;
                    let b = self.stmts(otherwise, depth + 1)?;
                    emits = emits.saturating_add(a.max(b));
                }
                Stmt::Emit => {
                    if self.in_prologue {
                        return Err("Emit in the prologue (there is no element)".into());
                    }
                    emits = emits.saturating_add(1);
                }
            }
        }
        Ok(emits)
    }

    fn expr(&mut self, expr: &Expr, depth: usize) -> Result<(), String> {
        if depth > MAX_NESTING {
            return Err(format!("expression nested deeper than {MAX_NESTING}"));
        }
        match expr {
            Expr::Const(_) => Ok(()),
            Expr::Scalar(id) => {
                if (id.0 as usize) < self.kernel.scalars.len() {
                    Ok(())
                } else {
                    Err(format!("scalar {} out of range", id.0))
                }
            }
            Expr::Temp(t) => self.temp(t.0),
            Expr::ElemIndex => self.element_context("_idx"),
            Expr::Load(array, index) => {
                self.array(*array)?;
                self.index(*array, index, depth + 1)
            }
            Expr::Unary(_, a) => self.expr(a, depth + 1),
            Expr::Binary(_, a, b) => {
                self.expr(a, depth + 1)?;
                self.expr(b, depth + 1)
            }
            Expr::Call(f, args) => {
                if args.len() != f.arity() {
                    return Err(format!(
                        "{f:?} takes {} argument(s), got {}",
                        f.arity(),
                        args.len()
                    ));
                }
                args.iter().try_for_each(|a| self.expr(a, depth + 1))
            }
            Expr::Select(c, a, b) => {
                self.expr(c, depth + 1)?;
                self.expr(a, depth + 1)?;
                self.expr(b, depth + 1)
            }
            Expr::Rand { kind, .. } => {
                self.facts.uses_rand = true;
                match kind {
                    RandKind::Uniform | RandKind::Normal => Ok(()),
                    RandKind::Poisson(lambda) => self.expr(lambda, depth + 1),
                    RandKind::Binomial(n, p) => {
                        self.expr(n, depth + 1)?;
                        self.expr(p, depth + 1)
                    }
                }
            }
        }
    }

    fn index(&mut self, array: ArrayId, index: &Index, depth: usize) -> Result<(), String> {
        match index {
            Index::Elem => {
                self.element_context("Index::Elem")?;
                self.facts.elem_arrays.push(array);
                Ok(())
            }
            Index::Shared => {
                self.facts.shared_arrays.push(array);
                Ok(())
            }
            Index::Gather(by) => {
                self.element_context("Index::Gather")?;
                let decl = self.array(*by)?;
                if decl.ty != ElemType::I32 {
                    return Err(format!("gather through non-I32 array '{}'", decl.name));
                }
                self.facts.elem_arrays.push(*by);
                self.facts.gathered_arrays.push((array, *by));
                Ok(())
            }
            Index::At(at) => self.expr(at, depth + 1),
            Index::Clamped(at) => {
                self.facts.shared_arrays.push(array);
                self.expr(at, depth + 1)
            }
        }
    }

    fn element_context(&self, what: &str) -> Result<(), String> {
        if self.in_prologue {
            Err(format!("{what} in the prologue (there is no element)"))
        } else {
            Ok(())
        }
    }

    fn array(&self, id: ArrayId) -> Result<&crate::ir::ArrayDecl, String> {
        self.kernel
            .arrays
            .get(id.0 as usize)
            .ok_or_else(|| format!("array {} out of range", id.0))
    }

    fn temp(&self, t: u32) -> Result<(), String> {
        if t < self.kernel.n_temps {
            Ok(())
        } else {
            Err(format!(
                "temporary {t} out of range (n_temps = {})",
                self.kernel.n_temps
            ))
        }
    }
}

/// Checks a call against its kernel: array count and types, scalar count, the kind of element
/// set, every `_idx` against every array accessed at `_idx`, shared arrays non-empty, and the
/// random-counter limits. Returns the number of elements.
pub fn check_call(
    kernel: &Kernel,
    facts: &KernelFacts,
    call: &KernelCall<'_>,
) -> Result<usize, KernelError> {
    let bad = |reason: String| KernelError::BadCall {
        kernel: kernel.name.clone(),
        reason,
    };
    if call.arrays.len() != kernel.arrays.len() {
        return Err(bad(format!(
            "{} arrays given, kernel declares {}",
            call.arrays.len(),
            kernel.arrays.len()
        )));
    }
    for (arg, decl) in call.arrays.iter().zip(&kernel.arrays) {
        let ty = match arg {
            ArrayArg::F64(_) => ElemType::F64,
            ArrayArg::F32(_) => ElemType::F32,
            ArrayArg::I32(_) => ElemType::I32,
            ArrayArg::Bool(_) => ElemType::Bool,
        };
        if ty != decl.ty {
            return Err(bad(format!(
                "array '{}' is declared {:?} but given as {ty:?}",
                decl.name, decl.ty
            )));
        }
    }
    if call.scalars.len() != kernel.scalars.len() {
        return Err(bad(format!(
            "{} scalars given, kernel declares {}",
            call.scalars.len(),
            kernel.scalars.len()
        )));
    }
    for &id in &facts.shared_arrays {
        if call.arrays[id.0 as usize].is_empty() {
            return Err(out_of_bounds(kernel, id, 0, 0));
        }
    }
    if facts.uses_rand && call.rng.step >= MAX_STEP {
        return Err(bad(format!(
            "time step {} is beyond the random generator's limit 2^48",
            call.rng.step
        )));
    }
    let shortest = element_bound(facts, &call.arrays);
    match (&call.elements, kernel.iteration) {
        (Elements::Range(range), Iteration::Range) => {
            if range.start >= range.end {
                return Ok(0);
            }
            if let Some((id, len)) = shortest {
                if range.end > len {
                    return Err(out_of_bounds(kernel, id, range.start.max(len) as i64, len));
                }
            }
            if facts.max_emits_per_element > 0 && range.end - 1 > i32::MAX as usize {
                return Err(bad(format!(
                    "element {} cannot be emitted as an i32 index",
                    range.end - 1
                )));
            }
            if facts.uses_rand && range.end as u64 > MAX_ELEMENT {
                return Err(bad(format!(
                    "element {} is beyond the random generator's limit 2^32",
                    range.end - 1
                )));
            }
            Ok(range.end - range.start)
        }
        (Elements::List(list), Iteration::List) => {
            check_list(kernel, list, shortest)?;
            Ok(list.len())
        }
        (Elements::Range(_), Iteration::List) => {
            Err(bad("a List kernel was given a Range of elements".into()))
        }
        (Elements::List(_), Iteration::Range) => {
            Err(bad("a Range kernel was given a List of elements".into()))
        }
    }
}

/// The shortest array accessed at `_idx` (and its length), which bounds every element of a
/// call; `None` when the kernel accesses no array at `_idx`.
pub fn element_bound(facts: &KernelFacts, arrays: &[ArrayArg<'_>]) -> Option<(ArrayId, usize)> {
    facts
        .elem_arrays
        .iter()
        .map(|&id| (id, arrays[id.0 as usize].len()))
        .min_by_key(|&(_, len)| len)
}

/// Checks the entries of an element list against [`element_bound`]: none negative, each
/// inside every array accessed at `_idx`.
pub fn check_list(
    kernel: &Kernel,
    list: &[i32],
    bound: Option<(ArrayId, usize)>,
) -> Result<(), KernelError> {
    let limit = bound.map_or(usize::MAX, |(_, len)| len);
    let fits = |e: i32| e >= 0 && (e as usize) < limit;
    // One pass without early exit first, on unsigned 32-bit entries (negative ones become
    // 2^31 or more, past any bound of an i32 index), so that it runs several entries at a
    // time: lists are checked before every delivery. Then a search for the entry to report.
    let bound32 = limit.min(1 << 31) as u32;
    if list.iter().fold(true, |ok, &e| ok & ((e as u32) < bound32)) {
        return Ok(());
    }
    let Some(&entry) = list.iter().find(|&&e| !fits(e)) else {
        return Ok(());
    };
    Err(match bound {
        Some((id, len)) => out_of_bounds(kernel, id, entry.into(), len),
        None => KernelError::BadCall {
            kernel: kernel.name.clone(),
            reason: format!("negative element index {entry}"),
        },
    })
}

pub fn out_of_bounds(kernel: &Kernel, array: ArrayId, index: i64, len: usize) -> KernelError {
    KernelError::IndexOutOfBounds {
        kernel: kernel.name.clone(),
        array: kernel.arrays[array.0 as usize].name.clone(),
        index,
        len,
    }
}

/// The index an `Index::At` expression value selects, or the index to report if it is out of
/// bounds: truncation towards zero; NaN and values outside `[0, len)` are out of bounds (NaN is
/// reported as `i64::MIN`).
/// The element an `Index::Clamped` value selects in an array of `len >= 1` elements: the
/// value truncated, negative values and NaN as 0, values past the end as the last element.
pub fn clamped_index(value: f64, len: usize) -> usize {
    // `as` truncates towards zero, saturates and maps NaN to 0.
    (value as usize).min(len.saturating_sub(1))
}

pub fn at_index(value: f64, len: usize) -> Result<usize, i64> {
    let t = value.trunc();
    if t >= 0.0 && t < len as f64 {
        Ok(t as usize)
    } else if value.is_nan() {
        Err(i64::MIN)
    } else {
        Err(t as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::RngKey;
    use crate::ir::{ArrayDecl, MathFn, TempId};

    fn kernel(iteration: Iteration, body: Vec<Stmt>) -> Kernel {
        Kernel {
            name: "k".into(),
            arrays: vec![
                ArrayDecl::new("v", ElemType::F64, true),
                ArrayDecl::new("i", ElemType::I32, false),
            ],
            scalars: vec!["dt".into()],
            iteration,
            prologue: vec![],
            body,
            n_temps: 1,
        }
    }

    #[test]
    fn rejects_malformed_kernels() {
        let cases = vec![
            vec![Stmt::Let(TempId(1), Expr::c(0.0))],
            vec![Stmt::Let(TempId(0), Expr::Load(ArrayId(5), Index::Elem))],
            vec![Stmt::Let(TempId(0), Expr::Scalar(crate::ir::ScalarId(1)))],
            vec![Stmt::Let(
                TempId(0),
                Expr::call(MathFn::Clip, vec![Expr::c(1.0)]),
            )],
            vec![Stmt::Let(
                TempId(0),
                Expr::Load(ArrayId(1), Index::Gather(ArrayId(0))),
            )],
            vec![Stmt::Store {
                array: ArrayId(1),
                index: Index::Elem,
                value: Expr::c(1.0),
            }],
        ];
        for body in cases {
            assert!(
                check_kernel(&kernel(Iteration::Range, body.clone())).is_err(),
                "{body:?}"
            );
        }
        let mut k = kernel(Iteration::Range, vec![]);
        k.prologue = vec![Stmt::Emit];
        assert!(check_kernel(&k).is_err());
        k.prologue = vec![Stmt::Let(TempId(0), Expr::ElemIndex)];
        assert!(check_kernel(&k).is_err());
    }

    #[test]
    fn rejects_deep_nesting() {
        let mut e = Expr::c(1.0);
        for _ in 0..MAX_NESTING + 5 {
            e = Expr::un(crate::ir::UnaryOp::Neg, e);
        }
        let k = kernel(Iteration::Range, vec![Stmt::Let(TempId(0), e)]);
        assert!(check_kernel(&k).is_err());
    }

    #[test]
    fn counts_emits_along_the_longest_path() {
        let body = vec![
            Stmt::Emit,
            Stmt::If {
                cond: Expr::c(1.0),
                then: vec![Stmt::Emit, Stmt::Emit],
                otherwise: vec![Stmt::Emit],
            },
        ];
        let facts = check_kernel(&kernel(Iteration::Range, body)).unwrap();
        assert_eq!(facts.max_emits_per_element, 3);
    }

    #[test]
    fn checks_elements_against_arrays_at_idx() {
        let k = kernel(
            Iteration::List,
            vec![Stmt::Store {
                array: ArrayId(0),
                index: Index::Elem,
                value: Expr::c(1.0),
            }],
        );
        let facts = check_kernel(&k).unwrap();
        let mut v = vec![0.0; 3];
        let mut i = vec![0; 3];
        let list = [0, 3];
        let call = KernelCall {
            arrays: vec![ArrayArg::F64(&mut v), ArrayArg::I32(&mut i)],
            scalars: &[0.1],
            elements: Elements::List(&list),
            rng: RngKey::default(),
            emitted: None,
        };
        assert!(matches!(
            check_call(&k, &facts, &call),
            Err(KernelError::IndexOutOfBounds {
                index: 3,
                len: 3,
                ..
            })
        ));
    }

    #[test]
    fn at_index_truncates_and_rejects_nan() {
        assert_eq!(at_index(2.9, 3), Ok(2));
        assert_eq!(at_index(-0.5, 3), Ok(0));
        assert_eq!(at_index(3.0, 3), Err(3));
        assert_eq!(at_index(-1.5, 3), Err(-1));
        assert_eq!(at_index(f64::NAN, 3), Err(i64::MIN));
        assert_eq!(at_index(1e300, 3), Err(i64::MAX));
    }
}
