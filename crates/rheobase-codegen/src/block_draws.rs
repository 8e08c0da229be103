//! The random draws of a range kernel's body that the JIT and the native tier compute for a
//! block of elements before running the elements ([`crate::random_fill`]): every draw whose
//! parameters are the same for all elements (constants and scalars). A draw is a pure
//! function of (key, step, element, site), so computing it for every element of a block is
//! invisible even where the body uses it only under a condition, and computing many at once
//! is several times cheaper than one call per element. Inside the block the body reads the
//! element's number from the buffer; prologue draws and draws with per-element parameters
//! stay calls.

use crate::ir::{Expr, Iteration, Kernel, RandKind, ScalarId, Stmt};

/// Elements per block.
pub const BLOCK: usize = 256;
/// At most this many buffers per kernel (each `BLOCK` doubles on the stack); a kernel with
/// more distinct draws gets none.
pub const MAX_DRAWS: usize = 16;

/// A parameter of a draw that does not change across elements.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Param {
    Const(f64),
    Scalar(ScalarId),
}

impl Param {
    fn of(expr: &Expr) -> Option<Param> {
        match expr {
            Expr::Const(c) => Some(Param::Const(*c)),
            Expr::Scalar(s) => Some(Param::Scalar(*s)),
            _ => None,
        }
    }
}

/// Which distribution a buffer holds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DrawKind {
    Uniform,
    Normal,
    Poisson(Param),
    Binomial(Param, Param),
}

impl DrawKind {
    /// The kind of `kind` if its parameters are the same for every element.
    pub fn of(kind: &RandKind) -> Option<DrawKind> {
        Some(match kind {
            RandKind::Uniform => DrawKind::Uniform,
            RandKind::Normal => DrawKind::Normal,
            RandKind::Poisson(lambda) => DrawKind::Poisson(Param::of(lambda)?),
            RandKind::Binomial(n, p) => DrawKind::Binomial(Param::of(n)?, Param::of(p)?),
        })
    }

    /// The parameters as passed to the fill functions (unused ones 0).
    pub fn params(&self) -> [Option<Param>; 2] {
        match *self {
            DrawKind::Uniform | DrawKind::Normal => [None, None],
            DrawKind::Poisson(lambda) => [Some(lambda), None],
            DrawKind::Binomial(n, p) => [Some(n), Some(p)],
        }
    }
}

/// One buffer: the draws of `site` with `kind` for the elements of a block.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BlockDraw {
    pub site: u32,
    pub kind: DrawKind,
}

/// The buffers of a kernel, and whether they cover every draw of its body.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BlockDraws {
    pub draws: Vec<BlockDraw>,
    /// True when every draw in the body reads a buffer (none is a call).
    pub complete: bool,
}

impl BlockDraws {
    /// The buffers for `kernel`'s body: none for lists of elements (not contiguous) or when
    /// there would be more than [`MAX_DRAWS`].
    pub fn of(kernel: &Kernel) -> BlockDraws {
        let mut found = Vec::new();
        let mut complete = true;
        stmts(&kernel.body, &mut found, &mut complete);
        if kernel.iteration != Iteration::Range || found.len() > MAX_DRAWS {
            let complete = found.is_empty() && complete;
            return BlockDraws {
                draws: Vec::new(),
                complete,
            };
        }
        BlockDraws {
            draws: found,
            complete,
        }
    }

    /// The buffer of a draw of the body, if it has one.
    pub fn buffer(&self, kind: &RandKind, site: u32) -> Option<usize> {
        let kind = DrawKind::of(kind)?;
        self.draws
            .iter()
            .position(|d| d.site == site && d.kind == kind)
    }
}

fn stmts(body: &[Stmt], found: &mut Vec<BlockDraw>, complete: &mut bool) {
    for stmt in body {
        match stmt {
            Stmt::Let(_, e) => expr(e, found, complete),
            Stmt::Store { index, value, .. } => {
                index_exprs(index, found, complete);
                expr(value, found, complete);
            }
            Stmt::If {
                cond,
                then,
                otherwise,
            } => {
                expr(cond, found, complete);
                stmts(then, found, complete);
                stmts(otherwise, found, complete);
            }
            Stmt::Emit => {}
        }
    }
}

fn index_exprs(index: &crate::ir::Index, found: &mut Vec<BlockDraw>, complete: &mut bool) {
    if let crate::ir::Index::At(x) | crate::ir::Index::Clamped(x) = index {
        expr(x, found, complete);
    }
}

fn expr(e: &Expr, found: &mut Vec<BlockDraw>, complete: &mut bool) {
    match e {
        Expr::Const(_) | Expr::Scalar(_) | Expr::Temp(_) | Expr::ElemIndex => {}
        Expr::Load(_, index) => index_exprs(index, found, complete),
        Expr::Unary(_, a) => expr(a, found, complete),
        Expr::Binary(_, a, b) => {
            expr(a, found, complete);
            expr(b, found, complete);
        }
        Expr::Call(_, args) => args.iter().for_each(|a| expr(a, found, complete)),
        Expr::Select(c, a, b) => {
            expr(c, found, complete);
            expr(a, found, complete);
            expr(b, found, complete);
        }
        Expr::Rand { kind, site } => {
            match kind {
                RandKind::Uniform | RandKind::Normal => {}
                RandKind::Poisson(l) => expr(l, found, complete),
                RandKind::Binomial(n, p) => {
                    expr(n, found, complete);
                    expr(p, found, complete);
                }
            }
            match DrawKind::of(kind) {
                Some(kind) => {
                    let draw = BlockDraw { site: *site, kind };
                    if !found.contains(&draw) {
                        found.push(draw);
                    }
                }
                None => *complete = false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{ArrayDecl, ArrayId, BinaryOp, ElemType, Index};

    fn kernel(iteration: Iteration, body: Vec<Stmt>) -> Kernel {
        Kernel {
            name: "k".into(),
            arrays: vec![ArrayDecl {
                name: "v".into(),
                ty: ElemType::F64,
                writable: true,
            }],
            scalars: vec!["rate".into()],
            iteration,
            prologue: vec![],
            body,
            n_temps: 0,
        }
    }

    fn rand(kind: RandKind, site: u32) -> Expr {
        Expr::Rand { kind, site }
    }

    fn store(value: Expr) -> Stmt {
        Stmt::Store {
            array: ArrayId(0),
            index: Index::Elem,
            value,
        }
    }

    #[test]
    fn draws_with_invariant_parameters_get_one_buffer_each() {
        let v = Expr::Load(ArrayId(0), Index::Elem);
        let binomial =
            RandKind::Binomial(Box::new(Expr::c(10.0)), Box::new(Expr::Scalar(ScalarId(0))));
        let per_element = RandKind::Poisson(Box::new(v.clone()));
        let body = vec![
            store(Expr::bin(
                BinaryOp::Add,
                rand(RandKind::Uniform, 0),
                rand(RandKind::Uniform, 0),
            )),
            Stmt::If {
                cond: v.clone(),
                then: vec![store(rand(binomial.clone(), 1))],
                otherwise: vec![],
            },
        ];
        let draws = BlockDraws::of(&kernel(Iteration::Range, body.clone()));
        assert_eq!(draws.draws.len(), 2);
        assert!(draws.complete);
        assert_eq!(draws.buffer(&RandKind::Uniform, 0), Some(0));
        assert_eq!(draws.buffer(&binomial, 1), Some(1));
        assert_eq!(draws.buffer(&RandKind::Normal, 0), None);

        let mut mixed = body;
        mixed.push(store(rand(per_element.clone(), 2)));
        let draws = BlockDraws::of(&kernel(Iteration::Range, mixed.clone()));
        assert_eq!(draws.draws.len(), 2);
        assert!(!draws.complete);
        assert_eq!(draws.buffer(&per_element, 2), None);

        let list = BlockDraws::of(&kernel(Iteration::List, mixed));
        assert!(list.draws.is_empty() && !list.complete);
    }

    #[test]
    fn too_many_draws_get_no_buffers() {
        let body = (0..=MAX_DRAWS as u32)
            .map(|site| store(rand(RandKind::Uniform, site)))
            .collect();
        let draws = BlockDraws::of(&kernel(Iteration::Range, body));
        assert!(draws.draws.is_empty() && !draws.complete);
        let none = BlockDraws::of(&kernel(Iteration::Range, vec![store(Expr::c(1.0))]));
        assert!(none.draws.is_empty() && none.complete);
    }
}
