//! Test helpers: a minimal reader of expressions, statements and equation lines with real
//! spans, so that tests can be written as text. It is not the language's parser (which lives
//! in the parser module); it accepts only well-formed input and panics otherwise.

use crate::ast::*;
use crate::span::{SourceId, Span};
use rheobase_units::Dimension;

pub const VOLT: Dimension = Dimension::from_ints([2, 1, -3, -1, 0, 0, 0]);
pub const AMP: Dimension = Dimension::from_ints([0, 0, 0, 1, 0, 0, 0]);
pub const SECOND: Dimension = Dimension::from_ints([0, 0, 1, 0, 0, 0, 0]);
pub const SIEMENS: Dimension = Dimension::from_ints([-2, -1, 3, 2, 0, 0, 0]);
pub const FARAD: Dimension = Dimension::from_ints([-2, -1, 4, 2, 0, 0, 0]);
pub const DIMLESS: Dimension = Dimension::DIMENSIONLESS;

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Num(String),
    Ident(String),
    Op(String),
}

struct Reader {
    toks: Vec<(Tok, usize, usize)>,
    pos: usize,
    base: usize,
}

fn lex(text: &str, base: usize) -> Vec<(Tok, usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i] as char;
        let start = i;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c.is_ascii_digit()
            || (c == '.' && i + 1 < b.len() && (b[i + 1] as char).is_ascii_digit())
        {
            while i < b.len() && ((b[i] as char).is_ascii_digit() || b[i] == b'.') {
                i += 1;
            }
            if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
                i += 1;
                if b[i] == b'-' || b[i] == b'+' {
                    i += 1;
                }
                while i < b.len() && (b[i] as char).is_ascii_digit() {
                    i += 1;
                }
            }
            out.push((Tok::Num(text[start..i].into()), base + start, base + i));
        } else if c.is_ascii_alphabetic() || c == '_' {
            while i < b.len() && ((b[i] as char).is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            out.push((Tok::Ident(text[start..i].into()), base + start, base + i));
        } else {
            let two = text.get(i..i + 2).unwrap_or("");
            let len = if ["**", "//", "<=", ">=", "==", "!=", "+=", "-=", "*=", "/="].contains(&two)
            {
                2
            } else {
                1
            };
            i += len;
            out.push((Tok::Op(text[start..i].into()), base + start, base + i));
        }
    }
    out
}

fn sp(s: usize, e: usize) -> Span {
    Span::new(SourceId(0), s, e)
}

impl Reader {
    fn peek_op(&self) -> Option<&str> {
        match self.toks.get(self.pos) {
            Some((Tok::Op(o), ..)) | Some((Tok::Ident(o), ..)) => Some(o.as_str()),
            _ => None,
        }
    }

    fn next(&mut self) -> (Tok, usize, usize) {
        self.pos += 1;
        self.toks[self.pos - 1].clone()
    }

    fn expect(&mut self, op: &str) -> usize {
        let (t, _, e) = self.next();
        assert_eq!(t, Tok::Op(op.into()));
        e
    }

    fn expr(&mut self) -> Expr {
        self.binary(0)
    }

    fn binary(&mut self, level: usize) -> Expr {
        const LEVELS: &[&[&str]] = &[
            &["or"],
            &["and"],
            &[],
            &["<", "<=", ">", ">=", "==", "!="],
            &["+", "-"],
            &["*", "/", "//", "%"],
        ];
        if level == 2 {
            if self.peek_op() == Some("not") {
                let (_, s, _) = self.next();
                let a = self.binary(2);
                let span = sp(s, a.span.end as usize);
                return Expr::unary(UnOp::Not, a, span);
            }
            return self.binary(3);
        }
        if level == LEVELS.len() {
            return self.unary();
        }
        let mut left = self.binary(level + 1);
        while let Some(op) = self.peek_op().filter(|o| LEVELS[level].contains(o)) {
            let op = match op {
                "or" => BinOp::Or,
                "and" => BinOp::And,
                "<" => BinOp::Lt,
                "<=" => BinOp::Le,
                ">" => BinOp::Gt,
                ">=" => BinOp::Ge,
                "==" => BinOp::Eq,
                "!=" => BinOp::Ne,
                "+" => BinOp::Add,
                "-" => BinOp::Sub,
                "*" => BinOp::Mul,
                "/" => BinOp::Div,
                "//" => BinOp::FloorDiv,
                _ => BinOp::Mod,
            };
            self.pos += 1;
            let right = self.binary(level + 1);
            let span = left.span.to(right.span);
            left = Expr::binary(op, left, right, span);
        }
        left
    }

    fn unary(&mut self) -> Expr {
        match self.peek_op() {
            Some("-") | Some("+") => {
                let (t, s, _) = self.next();
                let a = self.unary();
                let op = if t == Tok::Op("-".into()) {
                    UnOp::Neg
                } else {
                    UnOp::Pos
                };
                let span = sp(s, a.span.end as usize);
                Expr::unary(op, a, span)
            }
            _ => self.power(),
        }
    }

    fn power(&mut self) -> Expr {
        let base = self.atom();
        if self.peek_op() == Some("**") {
            self.pos += 1;
            let exp = self.unary();
            let span = base.span.to(exp.span);
            return Expr::binary(BinOp::Pow, base, exp, span);
        }
        base
    }

    fn atom(&mut self) -> Expr {
        let (t, s, e) = self.next();
        match t {
            Tok::Num(n) => {
                if n.contains(['.', 'e', 'E']) {
                    Expr::new(ExprKind::Float(n.parse().unwrap()), sp(s, e))
                } else {
                    Expr::new(ExprKind::Int(n.parse().unwrap()), sp(s, e))
                }
            }
            Tok::Ident(n) if n == "True" || n == "False" => {
                Expr::new(ExprKind::Bool(n == "True"), sp(s, e))
            }
            Tok::Ident(n) => {
                if self.peek_op() == Some("(") {
                    self.pos += 1;
                    let mut args = Vec::new();
                    while self.peek_op() != Some(")") {
                        args.push(self.expr());
                        if self.peek_op() == Some(",") {
                            self.pos += 1;
                        }
                    }
                    let end = self.expect(")");
                    Expr::new(
                        ExprKind::Call {
                            name: n,
                            name_span: sp(s, e),
                            args,
                        },
                        sp(s, end),
                    )
                } else {
                    Expr::name(n, sp(s, e))
                }
            }
            Tok::Op(o) if o == "(" => {
                let inner = self.expr();
                let end = self.expect(")");
                Expr::new(inner.kind, sp(s, end))
            }
            other => panic!("unexpected {other:?} at {}", s - self.base),
        }
    }
}

/// An expression from text (source 0, byte offsets into `text`).
pub fn expr(text: &str) -> Expr {
    expr_at(text, 0)
}

fn expr_at(text: &str, base: usize) -> Expr {
    let mut r = Reader {
        toks: lex(text, base),
        pos: 0,
        base,
    };
    let e = r.expr();
    assert_eq!(r.pos, r.toks.len(), "trailing input in {text:?}");
    e
}

/// Statements separated by newlines or `;`.
pub fn statements(text: &str) -> Vec<Statement> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split(['\n', ';']) {
        let base = offset;
        offset += line.len() + 1;
        if line.trim().is_empty() {
            continue;
        }
        let toks = lex(line, base);
        let (Tok::Ident(target), ts, te) = toks[0].clone() else {
            panic!("no target")
        };
        let (Tok::Op(op), _, oe) = toks[1].clone() else {
            panic!("no operator")
        };
        let op = match op.as_str() {
            "=" => AssignOp::Set,
            "+=" => AssignOp::Add,
            "-=" => AssignOp::Sub,
            "*=" => AssignOp::Mul,
            _ => AssignOp::Div,
        };
        let value = expr_at(&line[oe - base..], oe);
        let span = sp(ts, value.span.end as usize);
        out.push(Statement {
            target,
            target_span: sp(ts, te),
            op,
            value,
            span,
        });
    }
    out
}

fn unit(name: &str) -> (Dimension, VarType) {
    match name {
        "volt" => (VOLT, VarType::Float),
        "amp" => (AMP, VarType::Float),
        "second" => (SECOND, VarType::Float),
        "siemens" => (SIEMENS, VarType::Float),
        "farad" => (FARAD, VarType::Float),
        "1" => (DIMLESS, VarType::Float),
        "boolean" => (DIMLESS, VarType::Boolean),
        "integer" => (DIMLESS, VarType::Integer),
        other => panic!("unit {other} not in the test table"),
    }
}

/// Equation lines: `dv/dt = expr : unit (flags)`, `x = expr : unit`, `x : unit`.
pub fn equations(text: &str) -> Vec<Equation> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split('\n') {
        let base = offset;
        offset += line.len() + 1;
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        let lead = line.len() - line.trim_start().len();
        let colon = line.rfind(':').expect("unit");
        let (lhs_rhs, unit_part) = (&line[..colon], &line[colon + 1..]);
        let (unit_text, flags_text, flags_at) = match unit_part.find('(') {
            Some(p) => (
                &unit_part[..p],
                Some(&unit_part[p + 1..unit_part.rfind(')').unwrap()]),
                colon + 1 + p + 1,
            ),
            None => (unit_part, None, 0),
        };
        let unit_start = colon + 1 + (unit_text.len() - unit_text.trim_start().len());
        let (dim, vtype) = unit(unit_text.trim());
        let unit_spec = UnitSpec {
            dim,
            vtype,
            span: sp(
                base + unit_start,
                base + unit_start + unit_text.trim().len(),
            ),
        };
        let mut flags = Vec::new();
        if let Some(ft) = flags_text {
            let mut at = flags_at;
            for f in ft.split(',') {
                let l = f.len() - f.trim_start().len();
                flags.push(Flag {
                    name: f.trim().into(),
                    span: sp(base + at + l, base + at + l + f.trim().len()),
                });
                at += f.len() + 1;
            }
        }
        let (kind, name, name_span, expr) = match lhs_rhs.find('=') {
            Some(eqpos) => {
                let lhs = lhs_rhs[..eqpos].trim();
                let rhs_expr = expr_at(&line[eqpos + 1..colon], base + eqpos + 1);
                if let Some(v) = lhs.strip_prefix('d').and_then(|l| l.strip_suffix("/dt")) {
                    let s = base + lead + 1;
                    (
                        EquationKind::Differential,
                        v.to_string(),
                        sp(s, s + v.len()),
                        Some(rhs_expr),
                    )
                } else {
                    let s = base + lead;
                    (
                        EquationKind::Subexpression,
                        lhs.to_string(),
                        sp(s, s + lhs.len()),
                        Some(rhs_expr),
                    )
                }
            }
            None => {
                let n = lhs_rhs.trim();
                let s = base + lead;
                (
                    EquationKind::Parameter,
                    n.to_string(),
                    sp(s, s + n.len()),
                    None,
                )
            }
        };
        out.push(Equation {
            kind,
            name,
            name_span,
            expr,
            unit: unit_spec,
            flags,
            span: sp(base + lead, base + line.trim_end().len()),
        });
    }
    out
}

/// The text a span covers.
pub fn at(text: &str, span: Span) -> &str {
    &text[span.range()]
}

#[test]
fn reader_gives_python_precedence_and_spans() {
    let text = "-x**2 + f(a, b) * 3 > 1 and not c";
    let e = expr(text);
    let ExprKind::Binary(BinOp::And, l, r) = &e.kind else {
        panic!()
    };
    assert_eq!(at(text, l.span), "-x**2 + f(a, b) * 3 > 1");
    assert_eq!(at(text, r.span), "not c");
    let eqs = equations("dv/dt = (El - v)/tau : volt (unless refractory)\n  I : amp");
    let text2 = "dv/dt = (El - v)/tau : volt (unless refractory)\n  I : amp";
    assert_eq!(at(text2, eqs[0].name_span), "v");
    assert_eq!(at(text2, eqs[0].flags[0].span), "unless refractory");
    assert_eq!(at(text2, eqs[0].unit.span), "volt");
    assert_eq!(at(text2, eqs[1].name_span), "I");
    assert_eq!(
        at(text2, eqs[0].expr.as_ref().unwrap().span),
        "(El - v)/tau"
    );
    let st = statements("v = vr; w += b");
    assert_eq!(at("v = vr; w += b", st[1].value.span), "b");
}

/// A `NeuronGroup` scope (with refractoriness) holding a few typical variables:
/// `v`, `El`, `vt` (volt; `vt` shared), `tau` (second), `I` (amp), `C` (farad), `g` (siemens),
/// `flag` (boolean), `count` (integer), `Iin` (amp subexpression), and `tau_c = 5 ms` in the
/// namespace.
pub fn neuron_scope() -> crate::check::Scope {
    use crate::check::{ScopeVariable, VarKind};
    let mut s = crate::check::Scope::neuron_group(true);
    let p = |d, t| ScopeVariable::new(d, t, VarKind::Parameter);
    s.add_variable(
        "v",
        ScopeVariable::new(VOLT, VarType::Float, VarKind::State),
    );
    s.add_variable("El", p(VOLT, VarType::Float));
    s.add_variable("vt", p(VOLT, VarType::Float).shared());
    s.add_variable("tau", p(SECOND, VarType::Float));
    s.add_variable("I", p(AMP, VarType::Float));
    s.add_variable("C", p(FARAD, VarType::Float));
    s.add_variable("g", p(SIEMENS, VarType::Float));
    s.add_variable("flag", p(DIMLESS, VarType::Boolean));
    s.add_variable("count", p(DIMLESS, VarType::Integer));
    s.add_variable(
        "Iin",
        ScopeVariable::new(AMP, VarType::Float, VarKind::Subexpression).read_only(),
    );
    s.add_constant("tau_c", rheobase_units::Quantity::new(0.005, SECOND));
    s
}

/// The codes of a failed check, in order.
pub fn codes(d: &crate::diagnostic::Diagnostics) -> Vec<&'static str> {
    d.iter().map(|d| d.code).collect()
}
