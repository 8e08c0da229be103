//! Common-subexpression elimination by value numbering.
//!
//! Each pure expression gets a value number from its operator and its operands' numbers. A
//! read of a temporary or an array is numbered with the *generation* of what it reads: every
//! `Let` of that temporary or store to that array starts a new generation, so a value computed
//! before the write is never reused after it. Numbers found inside an `If` branch are
//! forgotten when the branch ends (the branch may not run), and everything a branch writes
//! gets a new generation after the `If`.
//!
//! Two passes over the same statements give the same numbers: the first counts how often each
//! number is used once shared (a repeated expression's operands count once), the second puts
//! every number used at least twice into a new temporary, assigned just before the statement
//! of its first use, and reads that temporary everywhere else. Only operations (not loads,
//! constants or temporaries, which are already single values) are shared; random draws,
//! gathers and computed indices never are (see [`super::walk::is_pure`]).

use std::collections::HashMap;

use crate::ir::{ArrayId, Expr, Index, Kernel, Stmt, TempId};

use super::walk::{children_mut, is_leaf, Writes};

pub fn eliminate_common_subexpressions(kernel: &mut Kernel) {
    let mut n_temps = kernel.n_temps;
    for part in [&mut kernel.prologue, &mut kernel.body] {
        let mut counter = Numbering::new(Mode::Count, HashMap::new(), n_temps);
        counter.stmts(part.clone());
        let mut rewriter = Numbering::new(Mode::Rewrite, counter.uses, n_temps);
        *part = rewriter.stmts(std::mem::take(part));
        n_temps = rewriter.n_temps;
    }
    kernel.n_temps = n_temps;
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Count,
    Rewrite,
}

/// What one branch scope added, removed again when it ends.
#[derive(Default)]
struct Scope {
    keys: Vec<Vec<u64>>,
    shared: Vec<u32>,
}

struct Numbering {
    mode: Mode,
    table: HashMap<Vec<u64>, u32>,
    next_number: u32,
    temp_generation: HashMap<TempId, u64>,
    array_generation: HashMap<ArrayId, u64>,
    next_generation: u64,
    /// Uses of each value number (filled in `Count` mode, read in `Rewrite` mode).
    uses: HashMap<u32, u32>,
    /// The temporary holding each shared value number (`Rewrite` mode).
    shared: HashMap<u32, TempId>,
    scopes: Vec<Scope>,
    n_temps: u32,
}

impl Numbering {
    fn new(mode: Mode, uses: HashMap<u32, u32>, n_temps: u32) -> Self {
        Numbering {
            mode,
            table: HashMap::new(),
            next_number: 0,
            temp_generation: HashMap::new(),
            array_generation: HashMap::new(),
            next_generation: 1,
            uses,
            shared: HashMap::new(),
            scopes: vec![Scope::default()],
            n_temps,
        }
    }

    fn stmts(&mut self, stmts: Vec<Stmt>) -> Vec<Stmt> {
        let mut out = Vec::with_capacity(stmts.len());
        for mut stmt in stmts {
            match &mut stmt {
                Stmt::Let(temp, value) => {
                    self.visit(value, &mut out);
                    self.bump_temp(*temp);
                }
                Stmt::Store {
                    array,
                    index,
                    value,
                } => {
                    if let Index::At(at) | Index::Clamped(at) = index {
                        self.visit(at, &mut out);
                    }
                    self.visit(value, &mut out);
                    self.bump_array(*array);
                }
                Stmt::If {
                    cond,
                    then,
                    otherwise,
                } => {
                    self.visit(cond, &mut out);
                    *then = self.branch(std::mem::take(then));
                    *otherwise = self.branch(std::mem::take(otherwise));
                    let mut writes = Writes::of(then);
                    let other = Writes::of(otherwise);
                    writes.temps.extend(other.temps);
                    writes.arrays.extend(other.arrays);
                    writes.temps.into_iter().for_each(|t| self.bump_temp(t));
                    writes.arrays.into_iter().for_each(|a| self.bump_array(a));
                }
                Stmt::Emit => {}
            }
            out.push(stmt);
        }
        out
    }

    fn branch(&mut self, stmts: Vec<Stmt>) -> Vec<Stmt> {
        self.scopes.push(Scope::default());
        let out = self.stmts(stmts);
        let scope = self.scopes.pop().expect("pushed above");
        for key in scope.keys {
            self.table.remove(&key);
        }
        for number in scope.shared {
            self.shared.remove(&number);
        }
        out
    }

    fn new_generation(&mut self) -> u64 {
        self.next_generation += 1;
        self.next_generation
    }

    fn bump_temp(&mut self, temp: TempId) {
        let g = self.new_generation();
        self.temp_generation.insert(temp, g);
    }

    fn bump_array(&mut self, array: ArrayId) {
        let g = self.new_generation();
        self.array_generation.insert(array, g);
    }

    /// The value number of `expr`, or `None` when it may not be shared.
    fn number(&mut self, expr: &Expr) -> Option<u32> {
        let key: Vec<u64> = match expr {
            Expr::Const(c) => vec![1, c.to_bits()],
            Expr::Scalar(s) => vec![2, u64::from(s.0)],
            Expr::Temp(t) => vec![3, u64::from(t.0), self.temp_gen(*t)],
            Expr::ElemIndex => vec![4],
            Expr::Load(a, Index::Elem) => vec![5, u64::from(a.0), self.array_gen(*a)],
            Expr::Load(a, Index::Shared) => vec![6, u64::from(a.0), self.array_gen(*a)],
            Expr::Load(_, Index::Gather(_) | Index::At(_) | Index::Clamped(_))
            | Expr::Rand { .. } => return None,
            Expr::Unary(op, a) => vec![7, *op as u64, u64::from(self.number(a)?)],
            Expr::Binary(op, a, b) => {
                let (a, b) = (self.number(a)?, self.number(b)?);
                vec![8, *op as u64, u64::from(a), u64::from(b)]
            }
            Expr::Call(f, args) => {
                let mut key = vec![9, *f as u64];
                for arg in args {
                    key.push(u64::from(self.number(arg)?));
                }
                key
            }
            Expr::Select(c, a, b) => {
                let (c, a, b) = (self.number(c)?, self.number(a)?, self.number(b)?);
                vec![10, u64::from(c), u64::from(a), u64::from(b)]
            }
        };
        if let Some(&n) = self.table.get(&key) {
            return Some(n);
        }
        let n = self.next_number;
        self.next_number += 1;
        self.table.insert(key.clone(), n);
        self.scope().keys.push(key);
        Some(n)
    }

    fn temp_gen(&self, t: TempId) -> u64 {
        self.temp_generation.get(&t).copied().unwrap_or(0)
    }

    fn array_gen(&self, a: ArrayId) -> u64 {
        self.array_generation.get(&a).copied().unwrap_or(0)
    }

    fn scope(&mut self) -> &mut Scope {
        self.scopes
            .last_mut()
            .expect("the outermost scope is never popped")
    }

    /// Counts or rewrites `expr`; in `Rewrite` mode, `Let`s of shared values go to `out`.
    fn visit(&mut self, expr: &mut Expr, out: &mut Vec<Stmt>) {
        let number = if is_leaf(expr) {
            None
        } else {
            self.number(expr)
        };
        let Some(n) = number else {
            children_mut(expr, &mut |e| self.visit(e, out));
            return;
        };
        match self.mode {
            Mode::Count => {
                let uses = self.uses.entry(n).or_insert(0);
                *uses += 1;
                if *uses == 1 {
                    children_mut(expr, &mut |e| self.visit(e, out));
                }
            }
            Mode::Rewrite => {
                if self.uses.get(&n).copied().unwrap_or(0) < 2 {
                    children_mut(expr, &mut |e| self.visit(e, out));
                    return;
                }
                let temp = match self.shared.get(&n) {
                    Some(&t) => t,
                    None => {
                        children_mut(expr, &mut |e| self.visit(e, out));
                        let t = TempId(self.n_temps);
                        self.n_temps += 1;
                        out.push(Stmt::Let(t, expr.clone()));
                        self.shared.insert(n, t);
                        self.scope().shared.push(n);
                        t
                    }
                };
                *expr = Expr::Temp(temp);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{BinaryOp, MathFn, RandKind};

    fn kernel(body: Vec<Stmt>) -> Kernel {
        Kernel::over_v(body, 2)
    }

    fn v() -> Expr {
        Expr::Load(ArrayId(0), Index::Elem)
    }

    fn rate() -> Expr {
        Expr::call(
            MathFn::Exprel,
            vec![Expr::bin(BinaryOp::Div, v(), Expr::c(-10.0))],
        )
    }

    fn count_calls(stmts: &[Stmt]) -> usize {
        fn expr(e: &Expr) -> usize {
            let mut e = e.clone();
            let mut n = usize::from(matches!(e, Expr::Call(..)));
            children_mut(&mut e, &mut |c| n += expr(c));
            n
        }
        stmts
            .iter()
            .map(|s| match s {
                Stmt::Let(_, e) | Stmt::Store { value: e, .. } => expr(e),
                Stmt::If {
                    cond,
                    then,
                    otherwise,
                } => expr(cond) + count_calls(then) + count_calls(otherwise),
                Stmt::Emit => 0,
            })
            .sum()
    }

    #[test]
    fn shares_a_repeated_call_once() {
        let mut k = kernel(vec![
            Stmt::Let(TempId(0), Expr::bin(BinaryOp::Mul, rate(), Expr::c(2.0))),
            Stmt::Let(TempId(1), Expr::bin(BinaryOp::Add, rate(), v())),
        ]);
        eliminate_common_subexpressions(&mut k);
        assert_eq!(count_calls(&k.body), 1);
        assert_eq!(k.n_temps, 3);
        assert_eq!(k.body[0], Stmt::Let(TempId(2), rate()));
        // The operand `v / -10` is only used by the shared call: no temporary of its own.
        assert_eq!(k.body.len(), 3);
    }

    #[test]
    fn does_not_reuse_values_across_writes() {
        let store = Stmt::Store {
            array: ArrayId(0),
            index: Index::Elem,
            value: rate(),
        };
        let mut k = kernel(vec![store.clone(), store.clone()]);
        let before = k.clone();
        eliminate_common_subexpressions(&mut k);
        assert_eq!(k, before);
    }

    #[test]
    fn branch_values_stay_in_their_branch() {
        let branch = |s: Vec<Stmt>| Stmt::If {
            cond: v(),
            then: s,
            otherwise: vec![],
        };
        let mut k = kernel(vec![
            branch(vec![Stmt::Let(TempId(0), rate())]),
            Stmt::Let(TempId(1), rate()),
        ]);
        let before = k.clone();
        eliminate_common_subexpressions(&mut k);
        assert_eq!(k, before);
        // A value computed before the branch is reused inside it.
        let mut k = kernel(vec![
            Stmt::Let(TempId(1), rate()),
            branch(vec![Stmt::Let(TempId(0), rate())]),
        ]);
        eliminate_common_subexpressions(&mut k);
        assert_eq!(count_calls(&k.body), 1);
    }

    #[test]
    fn never_merges_random_draws() {
        let draw = Expr::bin(
            BinaryOp::Add,
            Expr::Rand {
                kind: RandKind::Normal,
                site: 0,
            },
            Expr::c(1.0),
        );
        let mut k = kernel(vec![
            Stmt::Let(TempId(0), draw.clone()),
            Stmt::Let(TempId(1), draw),
        ]);
        let before = k.clone();
        eliminate_common_subexpressions(&mut k);
        assert_eq!(k, before);
    }
}
