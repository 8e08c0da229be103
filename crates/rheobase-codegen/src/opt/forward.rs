//! Store-to-load forwarding at `_idx`: when the body stores `a[_idx] = x` and later reads
//! `a[_idx]` in the same element, the read takes the stored value from a temporary instead
//! of memory. Brian2's code does this all the time: `not_refractory` is set at the top of a
//! state update and read again by every `if not_refractory` below it. For flags that read
//! is a byte load and a conversion per element (two of them per pair of lanes in the JIT's
//! two-lane loops), and a stored float would be loaded right after it was written.
//!
//! The forwarded value is exactly what the load would return: the value itself for `F64`
//! arrays, `x != 0` (0 or 1) for flags. `F32` and `I32` arrays round on the way to memory,
//! and the IR has no operation for that rounding, so they are left alone.
//!
//! Only stores at the body's top level are forwarded (a temporary first assigned inside a
//! branch would keep a kernel out of the two-lane loops). A load is forwarded when no store
//! to its array, at any index, came in between: stores inside a branch end the forwarding
//! after the branch and, inside it, from that store on. A temporary is only made for stores
//! that have a load to forward to.

use std::collections::{HashMap, HashSet};

use crate::ir::{ArrayId, BinaryOp, ElemType, Expr, Index, Kernel, Stmt, TempId, UnaryOp};

use super::walk::{children_mut, stmt_exprs_mut, Writes};

pub fn forward_stores(kernel: &mut Kernel) {
    let types: Vec<ElemType> = kernel.arrays.iter().map(|a| a.ty).collect();
    let mut body = std::mem::take(&mut kernel.body);
    // First on a copy, to learn which stores have a later load to forward to.
    let mut planner = Forwarder::new(&types, None, kernel.n_temps);
    planner.top_level(&mut body.clone());
    if !planner.wanted.is_empty() {
        let mut rewriter = Forwarder::new(&types, Some(planner.wanted), kernel.n_temps);
        rewriter.top_level(&mut body);
        kernel.n_temps = rewriter.n_temps;
    }
    kernel.body = body;
}

/// One walk over the body. Without `make` it only records, in `wanted`, the top-level
/// stores (by position) that a later load reads; with `make` it gives those stores a
/// temporary and rewrites the loads.
struct Forwarder<'a> {
    types: &'a [ElemType],
    make: Option<HashSet<usize>>,
    wanted: HashSet<usize>,
    /// The top-level store each array's element value comes from now: its position, and its
    /// temporary when rewriting.
    live: HashMap<ArrayId, (usize, Option<TempId>)>,
    n_temps: u32,
}

impl<'a> Forwarder<'a> {
    fn new(types: &'a [ElemType], make: Option<HashSet<usize>>, n_temps: u32) -> Self {
        Forwarder {
            types,
            make,
            wanted: HashSet::new(),
            live: HashMap::new(),
            n_temps,
        }
    }

    fn top_level(&mut self, body: &mut Vec<Stmt>) {
        let mut out = Vec::with_capacity(body.len());
        for (position, mut stmt) in std::mem::take(body).into_iter().enumerate() {
            self.loads_in_stmt(&mut stmt, &HashSet::new());
            match stmt {
                Stmt::Store {
                    array,
                    index: Index::Elem,
                    value,
                } if forwardable(self.types[array.0 as usize]) => {
                    let temp = match &self.make {
                        Some(make) if make.contains(&position) => {
                            let t = TempId(self.n_temps);
                            self.n_temps += 1;
                            out.push(Stmt::Let(
                                t,
                                as_read(value.clone(), self.types[array.0 as usize]),
                            ));
                            Some(t)
                        }
                        _ => None,
                    };
                    self.live.insert(array, (position, temp));
                    let value = temp.map_or(value, Expr::Temp);
                    out.push(Stmt::Store {
                        array,
                        index: Index::Elem,
                        value,
                    });
                }
                Stmt::Store { array, .. } => {
                    self.live.remove(&array);
                    out.push(stmt);
                }
                Stmt::If { .. } => {
                    for array in Writes::of(std::slice::from_ref(&stmt)).arrays {
                        self.live.remove(&array);
                    }
                    out.push(stmt);
                }
                Stmt::Let(..) | Stmt::Emit => out.push(stmt),
            }
        }
        *body = out;
    }

    /// Forwards the loads `stmt` evaluates (a branch's statements included); `stored` holds
    /// the arrays written so far inside the enclosing branches, whose loads read memory.
    fn loads_in_stmt(&mut self, stmt: &mut Stmt, stored: &HashSet<ArrayId>) {
        stmt_exprs_mut(stmt, &mut |e| self.loads_in_expr(e, stored));
        if let Stmt::If {
            then, otherwise, ..
        } = stmt
        {
            for branch in [then, otherwise] {
                let mut inner = stored.clone();
                for s in branch.iter_mut() {
                    self.loads_in_stmt(s, &inner);
                    inner.extend(Writes::of(std::slice::from_ref(s)).arrays);
                }
            }
        }
    }

    fn loads_in_expr(&mut self, expr: &mut Expr, stored: &HashSet<ArrayId>) {
        if let Expr::Load(array, Index::Elem) = expr {
            if !stored.contains(array) {
                if let Some(&(position, temp)) = self.live.get(array) {
                    self.wanted.insert(position);
                    if let Some(t) = temp {
                        *expr = Expr::Temp(t);
                    }
                }
            }
            return;
        }
        children_mut(expr, &mut |c| self.loads_in_expr(c, stored));
    }
}

fn forwardable(ty: ElemType) -> bool {
    matches!(ty, ElemType::F64 | ElemType::Bool)
}

/// `value` as a load of the array would return it after the store.
fn as_read(value: Expr, ty: ElemType) -> Expr {
    match ty {
        ElemType::Bool if !is_truth(&value) => Expr::bin(BinaryOp::Ne, value, Expr::c(0.0)),
        _ => value,
    }
}

/// Whether `expr` is always exactly 0 or 1 (comparisons and logic).
fn is_truth(expr: &Expr) -> bool {
    use BinaryOp::*;
    matches!(
        expr,
        Expr::Binary(Lt | Le | Gt | Ge | Eq | Ne | And | Or, _, _) | Expr::Unary(UnaryOp::Not, _)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{ArrayDecl, Iteration};
    use crate::{ArrayArg, Elements, KernelCall, RngKey};

    fn load(a: u32) -> Expr {
        Expr::Load(ArrayId(a), Index::Elem)
    }

    fn store(a: u32, index: Index, value: Expr) -> Stmt {
        Stmt::Store {
            array: ArrayId(a),
            index,
            value,
        }
    }

    fn kernel(body: Vec<Stmt>) -> Kernel {
        Kernel {
            name: "k".into(),
            arrays: vec![
                ArrayDecl::new("flag", ElemType::Bool, true),
                ArrayDecl::new("v", ElemType::F64, true),
                ArrayDecl::new("w", ElemType::F32, true),
            ],
            scalars: vec![],
            iteration: Iteration::Range,
            prologue: vec![],
            body,
            n_temps: 0,
        }
    }

    fn loads_of(stmts: &[Stmt], array: u32) -> usize {
        let mut n = 0;
        super::super::walk::each_expr(stmts, &mut |e| {
            if matches!(e, Expr::Load(a, Index::Elem) if a.0 == array) {
                n += 1;
            }
        });
        n
    }

    /// `flag = v > 0.5; v = flag ? v * 2 : v; if flag { w = v }`, as Brian2's refractory
    /// state update reads its flag.
    fn refractory_like() -> Kernel {
        kernel(vec![
            store(
                0,
                Index::Elem,
                Expr::bin(BinaryOp::Gt, load(1), Expr::c(0.5)),
            ),
            store(
                1,
                Index::Elem,
                Expr::Select(
                    Box::new(load(0)),
                    Box::new(Expr::bin(BinaryOp::Mul, load(1), Expr::c(2.0))),
                    Box::new(load(1)),
                ),
            ),
            Stmt::If {
                cond: load(0),
                then: vec![store(2, Index::Elem, load(1))],
                otherwise: vec![],
            },
        ])
    }

    #[test]
    fn later_loads_read_the_stored_values() {
        let mut k = refractory_like();
        forward_stores(&mut k);
        assert_eq!(loads_of(&k.body, 0), 0, "{:#?}", k.body);
        // `v` is read three times before its own store, and not after it.
        assert_eq!(loads_of(&k.body, 1), 3, "{:#?}", k.body);
        assert_eq!(k.n_temps, 2);
    }

    #[test]
    fn stores_in_branches_and_at_other_indices_end_forwarding() {
        let mut k = kernel(vec![
            store(1, Index::Elem, Expr::c(1.0)),
            Stmt::If {
                cond: load(1),
                then: vec![
                    store(1, Index::Elem, Expr::c(2.0)),
                    store(2, Index::Elem, load(1)),
                ],
                otherwise: vec![],
            },
            store(2, Index::Elem, load(1)),
            store(1, Index::Elem, Expr::c(3.0)),
            store(1, Index::Shared, Expr::c(4.0)),
            store(2, Index::Elem, load(1)),
            store(2, Index::Elem, Expr::c(5.0)),
            store(1, Index::Elem, load(2)),
        ]);
        forward_stores(&mut k);
        // The `If`'s condition is forwarded; the load inside the branch after its store,
        // the load after the `If`, and the load after the shared store are not; `w` is F32.
        assert_eq!(loads_of(&k.body, 1), 3, "{:#?}", k.body);
        assert_eq!(loads_of(&k.body, 2), 1);
    }

    #[test]
    fn forwarded_kernels_compute_the_same_values() {
        let cases = [
            refractory_like(),
            // A flag stored from a float: the read is `x != 0`, NaN included.
            kernel(vec![
                store(
                    0,
                    Index::Elem,
                    Expr::bin(BinaryOp::Sub, load(1), Expr::c(0.25)),
                ),
                store(1, Index::Elem, Expr::bin(BinaryOp::Add, load(0), load(1))),
                store(2, Index::Elem, load(0)),
            ]),
        ];
        for original in cases {
            let mut forwarded = original.clone();
            forward_stores(&mut forwarded);
            assert_ne!(forwarded, original);
            let run = |k: &Kernel| {
                let mut flag = vec![false; 5];
                let mut v = vec![0.0, 0.25, 0.75, f64::NAN, -1.0];
                let mut w = vec![0.0f32; 5];
                let compiled = crate::interpreter().compile(k).unwrap();
                let mut call = KernelCall {
                    arrays: vec![
                        ArrayArg::Bool(&mut flag),
                        ArrayArg::F64(&mut v),
                        ArrayArg::F32(&mut w),
                    ],
                    scalars: &[],
                    elements: Elements::Range(0..5),
                    rng: RngKey::default(),
                    emitted: None,
                };
                assert_eq!(compiled.run(&mut call), Ok(0));
                drop(call);
                (flag, v.iter().map(|x| x.to_bits()).collect::<Vec<_>>(), w)
            };
            assert_eq!(run(&original), run(&forwarded));
        }
    }
}
