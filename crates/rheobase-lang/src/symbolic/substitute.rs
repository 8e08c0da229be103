//! Replacing names by expressions, and asking which names an expression reads.

use crate::ast::{Expr, ExprKind};
use crate::span::Span;
use std::collections::HashMap;

/// Replaces every `Name(n)` with `map[n]`. The inserted expression keeps its own spans (they
/// point at the text that defined it, e.g. a subexpression's line); every other node keeps its
/// span. The result is not simplified.
pub fn substitute(expr: &Expr, map: &HashMap<String, Expr>) -> Expr {
    substitute_with(expr, &mut |name, _| map.get(name).cloned())
}

/// Like [`substitute`], with a function deciding the replacement of each name (`None` keeps the
/// name); the function also gets the span of the name being replaced.
pub fn substitute_with(expr: &Expr, f: &mut dyn FnMut(&str, Span) -> Option<Expr>) -> Expr {
    let kind = match &expr.kind {
        ExprKind::Name(n) => {
            return f(n, expr.span).unwrap_or_else(|| expr.clone());
        }
        ExprKind::Unary(op, a) => ExprKind::Unary(*op, Box::new(substitute_with(a, f))),
        ExprKind::Binary(op, a, b) => ExprKind::Binary(
            *op,
            Box::new(substitute_with(a, f)),
            Box::new(substitute_with(b, f)),
        ),
        ExprKind::Call {
            name,
            name_span,
            args,
        } => ExprKind::Call {
            name: name.clone(),
            name_span: *name_span,
            args: args.iter().map(|a| substitute_with(a, f)).collect(),
        },
        other => other.clone(),
    };
    Expr::new(kind, expr.span)
}

/// Does `expr` read the name `name` (function names do not count)?
pub fn depends_on(expr: &Expr, name: &str) -> bool {
    depends_on_any(expr, &|n| n == name)
}

/// Does `expr` read any name for which `pred` holds?
pub fn depends_on_any(expr: &Expr, pred: &dyn Fn(&str) -> bool) -> bool {
    let mut found = false;
    expr.visit(&mut |e| {
        if let ExprKind::Name(n) = &e.kind {
            found |= pred(n);
        }
    });
    found
}

/// Does `expr` call the function `name`?
pub fn calls(expr: &Expr, pred: &dyn Fn(&str) -> bool) -> bool {
    let mut found = false;
    expr.visit(&mut |e| {
        if let ExprKind::Call { name, .. } = &e.kind {
            found |= pred(name);
        }
    });
    found
}

/// The first node (pre-order) that reads a name satisfying `pred`, for pointing at it.
pub fn find_name(expr: &Expr, pred: &dyn Fn(&str) -> bool) -> Option<Span> {
    let mut found = None;
    expr.visit(&mut |e| {
        if let ExprKind::Name(n) = &e.kind {
            if found.is_none() && pred(n) {
                found = Some(e.span);
            }
        }
    });
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::BinOp;
    use crate::span::SourceId;

    #[test]
    fn substitutes_names_and_keeps_spans() {
        let s1 = Span::new(SourceId(0), 0, 1);
        let s2 = Span::new(SourceId(0), 4, 5);
        let s3 = Span::new(SourceId(1), 0, 3);
        let e = Expr::binary(
            BinOp::Add,
            Expr::name("x", s1),
            Expr::name("y", s2),
            s1.to(s2),
        );
        let mut map = HashMap::new();
        map.insert("y".to_string(), Expr::name("z", s3));
        let r = substitute(&e, &map);
        assert_eq!(
            r,
            Expr::binary(
                BinOp::Add,
                Expr::name("x", s1),
                Expr::name("z", s3),
                s1.to(s2)
            )
        );
        assert!(depends_on(&r, "z"));
        assert!(!depends_on(&r, "y"));
        assert_eq!(find_name(&r, &|n| n == "z"), Some(s3));
    }

    #[test]
    fn function_names_are_not_dependencies() {
        let s = Span::default();
        let e = Expr::call("exp", vec![Expr::name("v", s)], s);
        assert!(!depends_on(&e, "exp"));
        assert!(depends_on(&e, "v"));
        assert!(calls(&e, &|n| n == "exp"));
    }
}
