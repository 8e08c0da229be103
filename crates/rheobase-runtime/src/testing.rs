//! Test helpers: AST builders, a fixed resolver, and the backend unit tests run on.

use crate::kernel::ScalarSource;
use crate::lower::{ArrayVar, Resolved, Resolver};
use crate::state::StoreId;
use rheobase_codegen::{Backend, ElemType};
use std::sync::Arc;

pub mod ast_builders {
    use rheobase_lang::{ast, BinOp, Span};

    pub fn name(n: &str) -> ast::Expr {
        ast::Expr::name(n, Span::default())
    }
    pub fn num(x: f64) -> ast::Expr {
        ast::Expr::float(x, Span::default())
    }
    pub fn bin(op: BinOp, a: ast::Expr, b: ast::Expr) -> ast::Expr {
        ast::Expr::binary(op, a, b, Span::default())
    }
    pub fn call(f: &str, args: Vec<ast::Expr>) -> ast::Expr {
        ast::Expr::call(f, args, Span::default())
    }
}

/// A resolver for a small LIF-like group (subgroup offset 5).
pub struct TableResolver;

impl TableResolver {
    pub fn lif() -> TableResolver {
        TableResolver
    }
}

impl Resolver for TableResolver {
    fn resolve(&self, n: &str) -> Option<Resolved> {
        use ast_builders::*;
        let var = |id, shared, writable, guard| {
            Resolved::Array(ArrayVar {
                id: StoreId(id),
                name: n.to_string(),
                ty: ElemType::F64,
                shared,
                writable,
                write_guard: guard,
            })
        };
        Some(match n {
            "v" => var(0, false, true, Some(StoreId(9))),
            "counter" => var(1, true, true, None),
            "El" => Resolved::Const(-0.07),
            "tau" => Resolved::Const(0.01),
            "N" => Resolved::Const(10.0),
            "t" => Resolved::Scalar {
                name: "t".into(),
                source: ScalarSource::Time,
            },
            "dt" => Resolved::Scalar {
                name: "dt".into(),
                source: ScalarSource::Dt,
            },
            "i" => Resolved::Index { offset: 5 },
            "I_syn" => Resolved::Subexpression {
                expr: bin(rheobase_lang::BinOp::Mul, num(2.0), name("v")),
                shared: false,
            },
            "loop_a" => Resolved::Subexpression {
                expr: name("loop_b"),
                shared: false,
            },
            "loop_b" => Resolved::Subexpression {
                expr: name("loop_a"),
                shared: false,
            },
            _ => return None,
        })
    }
}

/// The reference interpreter, for unit tests.
pub fn test_backend() -> Arc<dyn Backend> {
    rheobase_codegen::interpreter()
}
