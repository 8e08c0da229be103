//! Expressions and statements back to text, with only the parentheses precedence requires.
//!
//! The text re-parses to the same tree (tested by a property test). Sums, comparisons and
//! logic get spaces around their operators; products and powers do not (`-v/tau + I`).

use crate::ast::{AssignOp, BinOp, Equation, EquationKind, Expr, ExprKind, Statement, UnOp};
use crate::ast::{UnitSpec, VarType};
use crate::equations::Equations;
use crate::unit_expr::base_unit_name;
use std::fmt;

/// Binding strength, loosest first, as in Python.
const OR: u8 = 1;
const AND: u8 = 2;
const NOT: u8 = 3;
const COMPARE: u8 = 4;
const SUM: u8 = 5;
const PRODUCT: u8 = 6;
const UNARY: u8 = 7;
const POWER: u8 = 8;
const ATOM: u8 = 9;

fn binary_precedence(op: BinOp) -> u8 {
    match op {
        BinOp::Or => OR,
        BinOp::And => AND,
        BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge | BinOp::Eq | BinOp::Ne => COMPARE,
        BinOp::Add | BinOp::Sub => SUM,
        BinOp::Mul | BinOp::Div | BinOp::FloorDiv | BinOp::Mod => PRODUCT,
        BinOp::Pow => POWER,
    }
}

fn precedence(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::Binary(op, ..) => binary_precedence(*op),
        ExprKind::Unary(UnOp::Not, _) => NOT,
        ExprKind::Unary(..) => UNARY,
        // A negative literal prints with its sign, so it binds like a unary minus.
        ExprKind::Float(x) if x.is_sign_negative() => UNARY,
        ExprKind::Int(n) if *n < 0 => UNARY,
        _ => ATOM,
    }
}

/// Write `e`, in parentheses when it binds looser than `min`.
fn operand(f: &mut fmt::Formatter<'_>, e: &Expr, min: u8) -> fmt::Result {
    if precedence(e) < min {
        write!(f, "({e})")
    } else {
        write!(f, "{e}")
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ExprKind::Float(x) if x.is_infinite() => {
                write!(f, "{}inf", if *x < 0.0 { "-" } else { "" })
            }
            ExprKind::Float(x) => write!(f, "{x:?}"),
            ExprKind::Int(n) => write!(f, "{n}"),
            ExprKind::Bool(b) => f.write_str(if *b { "True" } else { "False" }),
            ExprKind::Name(n) => f.write_str(n),
            ExprKind::Unary(op, a) => {
                let (symbol, min) = match op {
                    UnOp::Neg => ("-", UNARY),
                    UnOp::Pos => ("+", UNARY),
                    UnOp::Not => ("not ", NOT),
                };
                f.write_str(symbol)?;
                operand(f, a, min)
            }
            ExprKind::Binary(op, a, b) => {
                let p = binary_precedence(*op);
                let (left_min, right_min) = match op {
                    // Right-associative; the exponent may carry a sign (`2**-1`).
                    BinOp::Pow => (p + 1, UNARY),
                    // Comparisons do not chain.
                    _ if op.is_comparison() => (p + 1, p + 1),
                    // Left-associative.
                    _ => (p, p + 1),
                };
                operand(f, a, left_min)?;
                if p <= SUM {
                    write!(f, " {} ", op.symbol())?;
                } else {
                    f.write_str(op.symbol())?;
                }
                operand(f, b, right_min)
            }
            ExprKind::Call { name, args, .. } => {
                write!(f, "{name}(")?;
                for (k, a) in args.iter().enumerate() {
                    if k > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{a}")?;
                }
                f.write_str(")")
            }
        }
    }
}

impl AssignOp {
    pub fn symbol(self) -> &'static str {
        match self {
            AssignOp::Set => "=",
            AssignOp::Add => "+=",
            AssignOp::Sub => "-=",
            AssignOp::Mul => "*=",
            AssignOp::Div => "/=",
        }
    }
}

impl fmt::Display for Statement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.target, self.op.symbol(), self.value)
    }
}

impl fmt::Display for UnitSpec {
    /// `volt`, `1`, `boolean`, `metre**2*kilogram/second**3`: text that parses back to the
    /// same specification.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.vtype {
            VarType::Boolean => f.write_str("boolean"),
            VarType::Integer => f.write_str("integer"),
            VarType::Float => f.write_str(&base_unit_name(&self.dim)),
        }
    }
}

impl fmt::Display for Equation {
    /// Brian2's form: `dv/dt = -v/tau : volt (unless refractory)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            EquationKind::Differential => write!(f, "d{}/dt", self.name)?,
            _ => f.write_str(&self.name)?,
        }
        if let Some(expr) = &self.expr {
            write!(f, " = {expr}")?;
        }
        write!(f, " : {}", self.unit)?;
        if !self.flags.is_empty() {
            let names: Vec<_> = self.flags.iter().map(|fl| fl.name.as_str()).collect();
            write!(f, " ({})", names.join(", "))?;
        }
        Ok(())
    }
}

impl fmt::Display for Equations {
    /// One equation per line, in order.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (k, eq) in self.iter().enumerate() {
            if k > 0 {
                writeln!(f)?;
            }
            write!(f, "{eq}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parser::{parse_expression, parse_statements};
    use crate::span::{SourceId, Span};
    use proptest::prelude::*;

    fn show(text: &str) -> String {
        parse_expression(text, SourceId(0)).unwrap().to_string()
    }

    #[test]
    fn minimal_parentheses() {
        assert_eq!(show("(a + b) * c"), "(a + b)*c");
        assert_eq!(show("a + (b * c)"), "a + b*c");
        assert_eq!(show("a - (b - c)"), "a - (b - c)");
        assert_eq!(show("(a - b) - c"), "a - b - c");
        assert_eq!(show("-(x**2)"), "-x**2");
        assert_eq!(show("(-x)**2"), "(-x)**2");
        assert_eq!(show("2**(-1)"), "2**-1");
        assert_eq!(show("(a**b)**c"), "(a**b)**c");
        assert_eq!(show("a**(b**c)"), "a**b**c");
        assert_eq!(show("not (a and b)"), "not (a and b)");
        assert_eq!(show("(a < b) == (c < d)"), "(a < b) == (c < d)");
        assert_eq!(show("exp(-v/tau) // 2 % 3"), "exp(-v/tau)//2%3");
        assert_eq!(show("True or false"), "True or False");
        assert_eq!(show("1e-3 + 2. + 7"), "0.001 + 2.0 + 7");
    }

    #[test]
    fn negative_literals_are_bracketed_under_powers() {
        let span = Span::default();
        let e = Expr::binary(
            BinOp::Pow,
            Expr::float(-2.0, span),
            Expr::name("x", span),
            span,
        );
        assert_eq!(e.to_string(), "(-2.0)**x");
    }

    #[test]
    fn statements() {
        let s = parse_statements("v=vr ; w+= b*2", SourceId(0)).unwrap();
        let shown: Vec<_> = s.iter().map(|s| s.to_string()).collect();
        assert_eq!(shown, vec!["v = vr", "w += b*2"]);
    }

    #[test]
    fn equations_print_and_parse_back() {
        let text =
            "dv/dt = (gl*(El - v) + I)/C + sigma*xi*second**-0.5 : volt (unless refractory)\n\
                    I = g*(E - v) : amp\n\
                    ok = v > E : boolean\n\
                    n : integer (constant, shared)\n\
                    dx/dt = -x/tau : 1/second**0.5";
        let eqs = Equations::parse(text, SourceId(0)).unwrap();
        let shown = eqs.to_string();
        assert_eq!(
            shown.lines().next().unwrap(),
            "dv/dt = (gl*(El - v) + I)/C + sigma*xi*second**-0.5 : volt (unless refractory)"
        );
        let again = Equations::parse(&shown, SourceId(1)).unwrap();
        assert_eq!(again.to_string(), shown);
        for (a, b) in eqs.iter().zip(again.iter()) {
            assert_eq!(
                (a.kind, &a.name, a.unit.dim, a.unit.vtype),
                (b.kind, &b.name, b.unit.dim, b.unit.vtype)
            );
            assert_eq!(a.expr.as_ref().map(strip), b.expr.as_ref().map(strip));
        }
    }

    /// Trees the parser can produce: no negative literals, no spans.
    fn arb_expr() -> impl Strategy<Value = Expr> {
        let span = Span::default();
        let leaf = prop_oneof![
            (0i64..1000).prop_map(move |n| Expr::new(ExprKind::Int(n), span)),
            (0.0f64..1e6).prop_map(move |x| Expr::float(x, span)),
            any::<bool>().prop_map(move |b| Expr::new(ExprKind::Bool(b), span)),
            "[a-z_][a-z0-9_]{0,3}"
                .prop_filter("keyword", |s| !matches!(
                    s.as_str(),
                    "and" | "or" | "not" | "true" | "false"
                ))
                .prop_map(move |n| Expr::name(n, span)),
        ];
        leaf.prop_recursive(5, 48, 3, move |inner| {
            let binop = prop_oneof![
                Just(BinOp::Add),
                Just(BinOp::Sub),
                Just(BinOp::Mul),
                Just(BinOp::Div),
                Just(BinOp::FloorDiv),
                Just(BinOp::Mod),
                Just(BinOp::Pow),
                Just(BinOp::Lt),
                Just(BinOp::Le),
                Just(BinOp::Gt),
                Just(BinOp::Ge),
                Just(BinOp::Eq),
                Just(BinOp::Ne),
                Just(BinOp::And),
                Just(BinOp::Or),
            ];
            let unop = prop_oneof![Just(UnOp::Neg), Just(UnOp::Pos), Just(UnOp::Not)];
            prop_oneof![
                (binop, inner.clone(), inner.clone())
                    .prop_map(move |(op, a, b)| Expr::binary(op, a, b, span)),
                (unop, inner.clone()).prop_map(move |(op, a)| Expr::unary(op, a, span)),
                ("[a-z]{1,4}", prop::collection::vec(inner, 0..3))
                    .prop_filter("keyword", |(n, _)| !matches!(
                        n.as_str(),
                        "and" | "or" | "not" | "true" | "false"
                    ))
                    .prop_map(move |(n, args)| Expr::call(n, args, span)),
            ]
        })
    }

    /// The same tree with every span reset, so trees compare by structure.
    fn strip(e: &Expr) -> Expr {
        let span = Span::default();
        let kind = match &e.kind {
            ExprKind::Unary(op, a) => ExprKind::Unary(*op, Box::new(strip(a))),
            ExprKind::Binary(op, a, b) => {
                ExprKind::Binary(*op, Box::new(strip(a)), Box::new(strip(b)))
            }
            ExprKind::Call { name, args, .. } => ExprKind::Call {
                name: name.clone(),
                name_span: span,
                args: args.iter().map(strip).collect(),
            },
            other => other.clone(),
        };
        Expr::new(kind, span)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        #[test]
        fn print_then_parse_is_identity(e in arb_expr()) {
            let text = e.to_string();
            let back = parse_expression(&text, SourceId(0))
                .map_err(|d| TestCaseError::fail(format!("{text}: {d:?}")))?;
            prop_assert_eq!(strip(&back), e, "text: {}", text);
        }
    }
}
