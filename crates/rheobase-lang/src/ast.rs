//! The syntax tree of expressions, statements and equations, every node with its span.

use crate::span::Span;
use rheobase_units::Dimension;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    /// `//`, Python's floor division (rounds towards minus infinity).
    FloorDiv,
    /// `%`, Python's modulo (result has the sign of the divisor).
    Mod,
    Pow,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    And,
    Or,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::FloorDiv => "//",
            BinOp::Mod => "%",
            BinOp::Pow => "**",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::And => "and",
            BinOp::Or => "or",
        }
    }

    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge | BinOp::Eq | BinOp::Ne
        )
    }

    pub fn is_logical(self) -> bool {
        matches!(self, BinOp::And | BinOp::Or)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnOp {
    Neg,
    Pos,
    Not,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A float literal (`1.5`, `1e-3`, `2.`).
    Float(f64),
    /// An integer literal (`3`).
    Int(i64),
    /// `True` / `False` (also `true` / `false`).
    Bool(bool),
    /// An identifier: a model variable, `t`, `dt`, `i`, `N`, a unit name, a constant, ...
    Name(String),
    Unary(UnOp, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// A function call `name(args)`; the name's own span is `name_span`.
    Call {
        name: String,
        name_span: Span,
        args: Vec<Expr>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

impl Expr {
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        Expr { kind, span }
    }

    pub fn float(x: f64, span: Span) -> Expr {
        Expr::new(ExprKind::Float(x), span)
    }

    pub fn name(n: impl Into<String>, span: Span) -> Expr {
        Expr::new(ExprKind::Name(n.into()), span)
    }

    pub fn binary(op: BinOp, a: Expr, b: Expr, span: Span) -> Expr {
        Expr::new(ExprKind::Binary(op, Box::new(a), Box::new(b)), span)
    }

    pub fn unary(op: UnOp, a: Expr, span: Span) -> Expr {
        Expr::new(ExprKind::Unary(op, Box::new(a)), span)
    }

    pub fn call(name: impl Into<String>, args: Vec<Expr>, span: Span) -> Expr {
        Expr::new(
            ExprKind::Call {
                name: name.into(),
                name_span: span,
                args,
            },
            span,
        )
    }

    /// Every identifier this expression reads (function names excluded), in order, with repeats.
    pub fn names(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.visit(&mut |e| {
            if let ExprKind::Name(n) = &e.kind {
                out.push(n.as_str());
            }
        });
        out
    }

    /// Pre-order walk over every node.
    pub fn visit<'a>(&'a self, f: &mut impl FnMut(&'a Expr)) {
        f(self);
        match &self.kind {
            ExprKind::Unary(_, a) => a.visit(f),
            ExprKind::Binary(_, a, b) => {
                a.visit(f);
                b.visit(f);
            }
            ExprKind::Call { args, .. } => args.iter().for_each(|a| a.visit(f)),
            _ => {}
        }
    }
}

/// `=`, `+=`, `-=`, `*=`, `/=` in reset and event code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AssignOp {
    Set,
    Add,
    Sub,
    Mul,
    Div,
}

/// One statement of a code string: `v = vr`, `w += b`.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    pub target: String,
    pub target_span: Span,
    pub op: AssignOp,
    pub value: Expr,
    pub span: Span,
}

/// The kind of value a variable holds (`: volt`, `: 1`, `: integer`, `: boolean`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VarType {
    Float,
    Integer,
    Boolean,
}

/// The unit part of an equation line, resolved against the unit registry by the parser.
#[derive(Clone, Debug, PartialEq)]
pub struct UnitSpec {
    pub dim: Dimension,
    pub vtype: VarType,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EquationKind {
    /// `dx/dt = expr : unit`
    Differential,
    /// `x = expr : unit`
    Subexpression,
    /// `x : unit`
    Parameter,
}

/// A flag in parentheses after the unit, as written (`unless refractory`, `constant`, ...).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flag {
    pub name: String,
    pub span: Span,
}

/// One line of a model: a differential equation, a subexpression or a parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Equation {
    pub kind: EquationKind,
    pub name: String,
    pub name_span: Span,
    /// Right-hand side; `None` for parameters.
    pub expr: Option<Expr>,
    pub unit: UnitSpec,
    pub flags: Vec<Flag>,
    pub span: Span,
}

impl Equation {
    pub fn has_flag(&self, name: &str) -> bool {
        self.flags.iter().any(|f| f.name == name)
    }
}
