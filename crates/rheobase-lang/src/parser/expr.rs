//! Expressions with Python's precedence, lowest first:
//! `or`, `and`, `not`, comparisons, `+ -`, `* / // %`, unary `- +`, `**`, calls and atoms.
//!
//! `**` is right-associative and binds tighter than a unary minus on its left (`-x**2` is
//! `-(x**2)`), while its right operand may itself start with a sign (`2**-1`). Chained
//! comparisons (`a < b < c`) are rejected, as Brian2 does, with a diagnostic that shows the
//! `and` form.

use super::{Fail, PResult, Parser};
use crate::ast::{BinOp, Expr, ExprKind, UnOp};
use crate::diagnostic::Diagnostic;
use crate::lexer::TokenKind;

fn comparison_op(kind: &TokenKind) -> Option<BinOp> {
    Some(match kind {
        TokenKind::Lt => BinOp::Lt,
        TokenKind::Le => BinOp::Le,
        TokenKind::Gt => BinOp::Gt,
        TokenKind::Ge => BinOp::Ge,
        TokenKind::EqEq => BinOp::Eq,
        TokenKind::NotEq => BinOp::Ne,
        _ => return None,
    })
}

fn additive_op(kind: &TokenKind) -> Option<BinOp> {
    match kind {
        TokenKind::Plus => Some(BinOp::Add),
        TokenKind::Minus => Some(BinOp::Sub),
        _ => None,
    }
}

fn multiplicative_op(kind: &TokenKind) -> Option<BinOp> {
    match kind {
        TokenKind::Star => Some(BinOp::Mul),
        TokenKind::Slash => Some(BinOp::Div),
        TokenKind::DoubleSlash => Some(BinOp::FloorDiv),
        TokenKind::Percent => Some(BinOp::Mod),
        _ => None,
    }
}

fn binary(op: BinOp, a: Expr, b: Expr) -> Expr {
    let span = a.span.to(b.span);
    Expr::binary(op, a, b, span)
}

impl Parser {
    pub(crate) fn expr(&mut self) -> PResult<Expr> {
        self.nested(Parser::or_expr)
    }

    fn or_expr(&mut self) -> PResult<Expr> {
        let mut lhs = self.and_expr()?;
        while self.at(&TokenKind::Or) {
            self.bump();
            let rhs = self.and_expr()?;
            lhs = binary(BinOp::Or, lhs, rhs);
        }
        Ok(lhs)
    }

    fn and_expr(&mut self) -> PResult<Expr> {
        let mut lhs = self.not_expr()?;
        while self.at(&TokenKind::And) {
            self.bump();
            let rhs = self.not_expr()?;
            lhs = binary(BinOp::And, lhs, rhs);
        }
        Ok(lhs)
    }

    fn not_expr(&mut self) -> PResult<Expr> {
        if self.at(&TokenKind::Not) {
            let not = self.bump();
            let operand = self.nested(Parser::not_expr)?;
            let span = not.span.to(operand.span);
            return Ok(Expr::unary(UnOp::Not, operand, span));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> PResult<Expr> {
        let lhs = self.sum()?;
        let Some(op) = comparison_op(self.peek_kind()) else {
            return Ok(lhs);
        };
        self.bump();
        let rhs = self.sum()?;
        if let Some(op2) = comparison_op(self.peek_kind()) {
            let second = self.bump().span;
            let third = self.sum()?;
            return Err(Fail(Some(
                Diagnostic::error(
                    "syntax::chained_comparison",
                    "chained comparisons are not supported",
                )
                .with_primary(second, "second comparison")
                .with_secondary(lhs.span.to(rhs.span), "first comparison")
                .with_help(format!(
                    "write the comparisons separately, joined with `and`: `{lhs} {} {rhs} and {rhs} {} {third}`",
                    op.symbol(),
                    op2.symbol()
                )),
            )));
        }
        Ok(binary(op, lhs, rhs))
    }

    fn sum(&mut self) -> PResult<Expr> {
        let mut lhs = self.term()?;
        while let Some(op) = additive_op(self.peek_kind()) {
            self.bump();
            let rhs = self.term()?;
            lhs = binary(op, lhs, rhs);
        }
        Ok(lhs)
    }

    fn term(&mut self) -> PResult<Expr> {
        let mut lhs = self.factor()?;
        while let Some(op) = multiplicative_op(self.peek_kind()) {
            self.bump();
            let rhs = self.factor()?;
            lhs = binary(op, lhs, rhs);
        }
        Ok(lhs)
    }

    /// Unary `-` and `+`: `-x**2` parses as `-(x**2)`.
    fn factor(&mut self) -> PResult<Expr> {
        let op = match self.peek_kind() {
            TokenKind::Minus => UnOp::Neg,
            TokenKind::Plus => UnOp::Pos,
            _ => return self.power(),
        };
        let sign = self.bump();
        let operand = self.nested(Parser::factor)?;
        let span = sign.span.to(operand.span);
        Ok(Expr::unary(op, operand, span))
    }

    /// `a ** b`, right-associative; the exponent is a factor, so `2**-1` works.
    fn power(&mut self) -> PResult<Expr> {
        let base = self.primary()?;
        if self.at(&TokenKind::DoubleStar) {
            self.bump();
            let exponent = self.nested(Parser::factor)?;
            return Ok(binary(BinOp::Pow, base, exponent));
        }
        Ok(base)
    }

    fn primary(&mut self) -> PResult<Expr> {
        let token = self.peek().clone();
        let literal = match &token.kind {
            TokenKind::Int(n) => Some(ExprKind::Int(*n)),
            TokenKind::Float(x) => Some(ExprKind::Float(*x)),
            TokenKind::True => Some(ExprKind::Bool(true)),
            TokenKind::False => Some(ExprKind::Bool(false)),
            _ => None,
        };
        if let Some(kind) = literal {
            self.bump();
            return Ok(Expr::new(kind, token.span));
        }
        match &token.kind {
            TokenKind::Name(name) => {
                self.bump();
                if self.at(&TokenKind::LParen) {
                    return self.call(name.clone(), token.span);
                }
                Ok(Expr::name(name.clone(), token.span))
            }
            TokenKind::LParen => {
                let open = self.bump();
                let mut inner = self.expr()?;
                let close = self.expect_close(open.span)?;
                // The parenthesised expression's span includes its parentheses, so labels
                // under `(El - v)/tau` cover what the user sees as one operand.
                inner.span = open.span.to(close);
                Ok(inner)
            }
            _ => Err(self.expected_operand()),
        }
    }

    fn call(&mut self, name: String, name_span: crate::span::Span) -> PResult<Expr> {
        let open = self.bump();
        let mut args = Vec::new();
        while !self.at(&TokenKind::RParen) {
            args.push(self.expr()?);
            if self.at(&TokenKind::Comma) {
                self.bump();
            } else {
                break;
            }
        }
        let close = self.expect_close(open.span)?;
        Ok(Expr::new(
            ExprKind::Call {
                name,
                name_span,
                args,
            },
            name_span.to(close),
        ))
    }

    /// Expect `)` closing the `(` at `open`; return the `)`'s span.
    fn expect_close(&mut self, open: crate::span::Span) -> PResult<crate::span::Span> {
        if self.at(&TokenKind::RParen) {
            return Ok(self.bump().span);
        }
        if self.at(&TokenKind::Error) {
            return Err(Fail(None));
        }
        let found = self.describe_current();
        if self.at_stop() {
            return Err(Fail(Some(
                Diagnostic::error("syntax::unclosed_parenthesis", "unclosed parenthesis")
                    .with_primary(open, "this `(` is never closed")
                    .with_secondary(
                        self.gap_after_previous(),
                        format!("expected `)` before {found}"),
                    ),
            )));
        }
        Err(Fail(Some(
            Diagnostic::error(
                "syntax::unexpected_token",
                format!("expected `,` or `)`, found {found}"),
            )
            .with_primary(self.peek().span, "expected `,` or `)` here")
            .with_secondary(open, "to close this `(`"),
        )))
    }

    /// The error for a missing operand at the current token.
    fn expected_operand(&self) -> Fail {
        if self.at(&TokenKind::Error) {
            return Fail(None);
        }
        let found = self.describe_current();
        let after_operator = self.previous().filter(|p| is_operator(&p.kind));
        if let (Some(op), true) = (
            after_operator,
            self.at_stop() || self.at(&TokenKind::RParen),
        ) {
            let symbol = op.kind.symbol();
            return Fail(Some(
                Diagnostic::error(
                    "syntax::trailing_operator",
                    format!("expected an expression after `{symbol}`, found {found}"),
                )
                .with_primary(op.span, "this operator has no right operand"),
            ));
        }
        if self.at(&TokenKind::Assign) {
            return Fail(Some(
                Diagnostic::error(
                    "syntax::unexpected_token",
                    "expected an expression, found `=`",
                )
                .with_primary(self.peek().span, "assignment is not allowed here")
                .with_help("use `==` to compare two values"),
            ));
        }
        self.error_here(
            "syntax::unexpected_token",
            format!("expected an expression, found {found}"),
            "expected an expression here",
        )
    }
}

fn is_operator(kind: &TokenKind) -> bool {
    comparison_op(kind).is_some()
        || additive_op(kind).is_some()
        || multiplicative_op(kind).is_some()
        || matches!(
            kind,
            TokenKind::DoubleStar | TokenKind::And | TokenKind::Or | TokenKind::Not
        )
}

#[cfg(test)]
mod tests {
    use crate::ast::{BinOp, Expr, ExprKind, UnOp};
    use crate::parser::parse_expression;
    use crate::span::SourceId;

    /// A compact, fully parenthesised form of the tree, independent of spans.
    fn sexp(e: &Expr) -> String {
        match &e.kind {
            ExprKind::Float(x) => format!("{x:?}"),
            ExprKind::Int(n) => format!("{n}"),
            ExprKind::Bool(b) => format!("{b}"),
            ExprKind::Name(n) => n.clone(),
            ExprKind::Unary(op, a) => {
                let s = match op {
                    UnOp::Neg => "neg",
                    UnOp::Pos => "pos",
                    UnOp::Not => "not",
                };
                format!("({s} {})", sexp(a))
            }
            ExprKind::Binary(op, a, b) => format!("({} {} {})", op.symbol(), sexp(a), sexp(b)),
            ExprKind::Call { name, args, .. } => {
                let args: Vec<_> = args.iter().map(sexp).collect();
                format!("{name}({})", args.join(", "))
            }
        }
    }

    fn p(text: &str) -> String {
        sexp(&parse_expression(text, SourceId(0)).unwrap_or_else(|d| panic!("{text}: {d:?}")))
    }

    fn code(text: &str) -> &'static str {
        parse_expression(text, SourceId(0)).unwrap_err().0[0].code
    }

    #[test]
    fn arithmetic_precedence() {
        assert_eq!(p("a + b * c"), "(+ a (* b c))");
        assert_eq!(p("a - b - c"), "(- (- a b) c)");
        assert_eq!(p("a / b / c"), "(/ (/ a b) c)");
        assert_eq!(p("(a + b) * c"), "(* (+ a b) c)");
        assert_eq!(p("a // b % c * d"), "(* (% (// a b) c) d)");
        assert_eq!(p("a + b // c"), "(+ a (// b c))");
    }

    #[test]
    fn power_and_unary_minus() {
        assert_eq!(p("-x**2"), "(neg (** x 2))");
        assert_eq!(p("2**-1"), "(** 2 (neg 1))");
        assert_eq!(p("a**b**c"), "(** a (** b c))");
        assert_eq!(p("-a*b"), "(* (neg a) b)");
        assert_eq!(p("--a"), "(neg (neg a))");
        assert_eq!(p("+a"), "(pos a)");
        assert_eq!(p("a*-b"), "(* a (neg b))");
        assert_eq!(p("(-x)**2"), "(** (neg x) 2)");
        assert_eq!(p("2**-x**2"), "(** 2 (neg (** x 2)))");
    }

    #[test]
    fn logic_and_comparisons() {
        assert_eq!(
            p("a < b and c >= d or not e"),
            "(or (and (< a b) (>= c d)) (not e))"
        );
        assert_eq!(p("not a == b"), "(not (== a b))");
        assert_eq!(p("a != b + 1"), "(!= a (+ b 1))");
        assert_eq!(p("a or b and c"), "(or a (and b c))");
        assert_eq!(p("a and b and c"), "(and (and a b) c)");
        assert_eq!(p("v > 10*mV"), "(> v (* 10 mV))");
        assert_eq!(p("a <= b"), "(<= a b)");
        assert_eq!(p("(a > b) == True"), "(== (> a b) true)");
    }

    #[test]
    fn chained_comparison_is_rejected() {
        assert_eq!(code("a < b < c"), "syntax::chained_comparison");
        assert_eq!(code("a == b != c"), "syntax::chained_comparison");
    }

    #[test]
    fn literals() {
        assert_eq!(p("1"), "1");
        assert_eq!(p("1.5"), "1.5");
        assert_eq!(p("2."), "2.0");
        assert_eq!(p(".5"), "0.5");
        assert_eq!(p("1e-3"), "0.001");
        assert_eq!(p("True or false"), "(or true false)");
    }

    #[test]
    fn calls() {
        assert_eq!(p("f()"), "f()");
        assert_eq!(p("exp(-v/tau)"), "exp((/ (neg v) tau))");
        assert_eq!(p("clip(v, 0, 1) + 1"), "(+ clip(v, 0, 1) 1)");
        assert_eq!(p("f(a,)"), "f(a)");
        assert_eq!(p("f(g(x), -y**2)"), "f(g(x), (neg (** y 2)))");
    }

    #[test]
    fn newlines_are_whitespace_in_a_single_expression() {
        assert_eq!(p("a +\n b"), "(+ a b)");
    }

    #[test]
    fn spans_cover_operands_and_parentheses() {
        let e = parse_expression("(El - v)/tau + I", SourceId(0)).unwrap();
        let ExprKind::Binary(BinOp::Add, lhs, rhs) = &e.kind else {
            panic!()
        };
        assert_eq!(lhs.span.range(), 0..12);
        assert_eq!(rhs.span.range(), 15..16);
        assert_eq!(e.span.range(), 0..16);
        let call = parse_expression("  exp(x) ", SourceId(0)).unwrap();
        assert_eq!(call.span.range(), 2..8);
        let ExprKind::Call { name_span, .. } = call.kind else {
            panic!()
        };
        assert_eq!(name_span.range(), 2..5);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let ok = format!("{}x{}", "(".repeat(199), ")".repeat(199));
        assert!(parse_expression(&ok, SourceId(0)).is_ok());
        let deep = format!("{}x{}", "(".repeat(100_000), ")".repeat(100_000));
        assert_eq!(code(&deep), "syntax::too_deeply_nested");
        assert_eq!(
            code(&format!("{}x", "-".repeat(100_000))),
            "syntax::too_deeply_nested"
        );
        assert_eq!(
            code(&format!("{}x", "not ".repeat(100_000))),
            "syntax::too_deeply_nested"
        );
        assert_eq!(
            code(&format!("x{}", "**-x".repeat(100_000))),
            "syntax::too_deeply_nested"
        );
    }

    #[test]
    fn errors() {
        assert_eq!(code("(a + b"), "syntax::unclosed_parenthesis");
        assert_eq!(code("a + b)"), "syntax::unmatched_parenthesis");
        assert_eq!(code("a +"), "syntax::trailing_operator");
        assert_eq!(code("a b"), "syntax::unexpected_token");
        assert_eq!(code(""), "syntax::unexpected_token");
        assert_eq!(code("a = b"), "syntax::unexpected_token");
        assert_eq!(code("f(a b)"), "syntax::unexpected_token");
        assert_eq!(code("a $ b"), "syntax::unexpected_character");
        assert_eq!(code("(a + )"), "syntax::trailing_operator");
    }
}
