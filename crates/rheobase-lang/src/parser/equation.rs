//! Brian2 model strings: `dx/dt = expr : unit (flags)`, `x = expr : unit (flags)` and
//! `x : unit (flags)`, one per line.
//!
//! As in Brian2, a right-hand side may run over several lines without parentheses: it ends at
//! its `:`. A line break ends it early only when what precedes is a complete operand and the next
//! line starts a new equation, so that a forgotten unit is reported on its own line.

use super::flags::KNOWN_FLAGS;
use super::{sorted, Fail, PResult, Parser};
use crate::ast::{Equation, EquationKind, Flag, UnitSpec, VarType};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::lexer::{tokenize, Token, TokenKind};
use crate::span::{SourceId, Span};
use crate::unit_expr::unit_from_tokens;

/// Parse a model string into its equations, in order. Every bad equation is reported (parsing
/// resumes at the next equation); a variable defined twice is `model::duplicate_definition`.
pub fn parse_equations(text: &str, src: SourceId) -> Result<Vec<Equation>, Diagnostics> {
    let (tokens, mut diagnostics) = tokenize(text, src);
    let mut parser = EquationParser {
        tokens: &tokens,
        text,
        pos: 0,
    };
    let mut equations: Vec<Equation> = Vec::new();
    loop {
        parser.skip_newlines();
        if parser.kind(parser.pos) == &TokenKind::Eof {
            break;
        }
        let start = parser.pos;
        match parser.equation() {
            Ok(eq) => {
                if let Some(first) = equations.iter().find(|e| e.name == eq.name) {
                    diagnostics.push(duplicate_definition(first, &eq));
                } else {
                    equations.push(eq);
                }
            }
            Err(fail) => {
                fail.report(&mut diagnostics);
                parser.recover(start);
            }
        }
    }
    if diagnostics.is_empty() {
        Ok(equations)
    } else {
        Err(sorted(diagnostics))
    }
}

/// `model::duplicate_definition` for `second`, which defines a name `first` already defined.
pub(crate) fn duplicate_definition(first: &Equation, second: &Equation) -> Diagnostic {
    Diagnostic::error(
        "model::duplicate_definition",
        format!("duplicate definition of `{}`", second.name),
    )
    .with_primary(second.name_span, "defined again here")
    .with_secondary(first.name_span, "first defined here")
    .with_help("each variable is defined by exactly one equation; rename one of them")
}

struct EquationParser<'a> {
    tokens: &'a [Token],
    text: &'a str,
    pos: usize,
}

/// Tokens that may begin the next line of a continued right-hand side.
fn continues_expression(kind: &TokenKind) -> bool {
    matches!(
        kind,
        TokenKind::Plus
            | TokenKind::Minus
            | TokenKind::Star
            | TokenKind::Slash
            | TokenKind::DoubleSlash
            | TokenKind::Percent
            | TokenKind::DoubleStar
            | TokenKind::Lt
            | TokenKind::Le
            | TokenKind::Gt
            | TokenKind::Ge
            | TokenKind::EqEq
            | TokenKind::NotEq
            | TokenKind::And
            | TokenKind::Or
    )
}

fn name_of(token: &Token) -> Option<&str> {
    match &token.kind {
        TokenKind::Name(n) => Some(n),
        _ => None,
    }
}

/// `dX/dt`: the three tokens of a derivative; returns `X`.
fn derivative(lhs: &[Token]) -> Option<&str> {
    match lhs {
        [d, slash, dt] if slash.kind == TokenKind::Slash && name_of(dt) == Some("dt") => name_of(d)
            .and_then(|n| n.strip_prefix('d'))
            .filter(|x| !x.is_empty()),
        _ => None,
    }
}

fn span_of(tokens: &[Token]) -> Option<Span> {
    Some(tokens.first()?.span.to(tokens.last()?.span))
}

impl EquationParser<'_> {
    fn kind(&self, i: usize) -> &TokenKind {
        &self.tokens[i.min(self.tokens.len() - 1)].kind
    }

    fn token(&self, i: usize) -> &Token {
        &self.tokens[i.min(self.tokens.len() - 1)]
    }

    fn skip_newlines(&mut self) {
        while self.kind(self.pos) == &TokenKind::Newline {
            self.pos += 1;
        }
    }

    fn next_non_newline(&self, mut i: usize) -> usize {
        while self.kind(i) == &TokenKind::Newline {
            i += 1;
        }
        i
    }

    /// Does an equation start at `i` (`x :`, `x =`, `dx/dt =`)?
    fn is_equation_start(&self, i: usize) -> bool {
        let TokenKind::Name(_) = self.kind(i) else {
            return false;
        };
        match self.kind(i + 1) {
            TokenKind::Colon | TokenKind::Assign => true,
            TokenKind::Slash => {
                self.kind(i + 3) == &TokenKind::Assign
                    && derivative(&self.tokens[i..(i + 3).min(self.tokens.len())]).is_some()
            }
            _ => false,
        }
    }

    /// Skip the rest of a bad equation: stop at a line break that ends a complete line (one
    /// not continued by an operator) or that is followed by a new equation.
    fn recover(&mut self, start: usize) {
        let mut i = start;
        loop {
            match self.kind(i) {
                TokenKind::Eof => break,
                TokenKind::Newline if i > start => {
                    let next = self.next_non_newline(i);
                    let complete =
                        self.kind(i - 1).ends_operand() && !continues_expression(self.kind(next));
                    if complete || self.is_equation_start(next) {
                        break;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        self.pos = i.max(start + 1).min(self.tokens.len() - 1);
    }

    fn equation(&mut self) -> PResult<Equation> {
        let start = self.pos;
        let mut sep = start;
        while !matches!(
            self.kind(sep),
            TokenKind::Assign | TokenKind::Colon | TokenKind::Newline | TokenKind::Eof
        ) {
            sep += 1;
        }
        let lhs = &self.tokens[start..sep];
        let sep_kind = self.kind(sep).clone();
        let (kind, name, name_span) = match (lhs, &sep_kind) {
            ([name], TokenKind::Assign) if name_of(name).is_some() => (
                EquationKind::Subexpression,
                name_of(name).unwrap_or(""),
                name.span,
            ),
            ([name], TokenKind::Colon) if name_of(name).is_some() => (
                EquationKind::Parameter,
                name_of(name).unwrap_or(""),
                name.span,
            ),
            (_, TokenKind::Assign) if derivative(lhs).is_some() => {
                let d = lhs[0].span;
                let span = Span {
                    start: d.start + 1,
                    ..d
                };
                (
                    EquationKind::Differential,
                    derivative(lhs).unwrap_or(""),
                    span,
                )
            }
            _ => return Err(self.bad_left_side(lhs, sep)),
        };
        let name = name.to_string();
        let (expr, colon) = if kind == EquationKind::Parameter {
            (None, sep)
        } else {
            let (expr, end) = self.right_hand_side(sep)?;
            if self.kind(end) != &TokenKind::Colon {
                let at = expr.span.end as usize;
                return Err(Fail::from(
                    Diagnostic::error(
                        "syntax::missing_unit",
                        format!("the equation for `{name}` has no unit"),
                    )
                    .with_primary(Span::new(expr.span.src, at, at), "expected `: unit` here")
                    .with_help(
                        "every equation ends with the unit of its variable, e.g. `: volt`, \
                         or `: 1` when it is dimensionless",
                    ),
                ));
            }
            (Some(expr), end)
        };
        let (unit, flags, end) = self.unit_and_flags(colon)?;
        if kind == EquationKind::Differential && unit.vtype != VarType::Float {
            return Err(Fail::from(
                Diagnostic::error(
                    "model::invalid_type",
                    format!("differential equation for `{name}` declares a non-float type"),
                )
                .with_primary(unit.span, "not allowed for a differential equation")
                .with_help(
                    "differential equations define floating-point variables: use `: 1` or a unit",
                ),
            ));
        }
        self.pos = end;
        let last = self.token(end.saturating_sub(1)).span;
        Ok(Equation {
            kind,
            name,
            name_span,
            expr,
            unit,
            flags,
            span: self.token(start).span.to(last),
        })
    }

    fn bad_left_side(&self, lhs: &[Token], sep: usize) -> Fail {
        let sep_token = self.token(sep);
        if sep_token.kind == TokenKind::Error || lhs.iter().any(|t| t.kind == TokenKind::Error) {
            return Fail(None);
        }
        let Some(lhs_span) = span_of(lhs) else {
            return Fail::from(
                Diagnostic::error(
                    "syntax::invalid_lhs",
                    format!("missing variable name before {}", sep_token.kind.describe()),
                )
                .with_primary(sep_token.span, "expected a variable name before this")
                .with_help("an equation starts with `dx/dt = `, `x = ` or `x : `"),
            );
        };
        let text = &self.text[lhs_span.range()];
        let looks_like_derivative = matches!(lhs, [d, slash, ..]
            if name_of(d).is_some_and(|n| n.starts_with('d')) && slash.kind == TokenKind::Slash);
        if !matches!(sep_token.kind, TokenKind::Assign | TokenKind::Colon) {
            return Fail::from(
                Diagnostic::error(
                    "syntax::expected_equation",
                    format!("`{text}` is not an equation"),
                )
                .with_primary(lhs_span, "expected `=` or `:` in this line")
                .with_help(
                    "equations are written `dx/dt = ... : unit`, `x = ... : unit` or `x : unit`",
                ),
            );
        }
        if derivative(lhs).is_some() {
            // `dv/dt : volt`
            return Fail::from(
                Diagnostic::error(
                    "syntax::missing_expression",
                    format!("the differential equation `{text}` has no right-hand side"),
                )
                .with_primary(sep_token.span, "expected `= expression` before this")
                .with_help(format!("write `{text} = ... : unit`")),
            );
        }
        if looks_like_derivative {
            let help = if name_of(&lhs[0]) == Some("d") {
                "name the variable: `dv/dt = ...`".to_string()
            } else {
                let var = name_of(&lhs[0]).unwrap_or("dv");
                format!("derivatives are taken with respect to time `t`: write `{var}/dt = ...`")
            };
            return Fail::from(
                Diagnostic::error(
                    "syntax::invalid_lhs",
                    format!("invalid left side `{text}` of a differential equation"),
                )
                .with_primary(lhs_span, "expected `dX/dt` for a variable `X`")
                .with_help(help),
            );
        }
        Fail::from(
            Diagnostic::error("syntax::invalid_lhs", format!("invalid left side `{text}`"))
                .with_primary(lhs_span, "expected a variable name or `dX/dt`")
                .with_help("an equation starts with `dx/dt = `, `x = ` or `x : `"),
        )
    }

    /// Parse the right-hand side after the `=` at `eq`. Returns it and the index of the token
    /// that ended it (`:` normally).
    fn right_hand_side(&self, eq: usize) -> PResult<(crate::ast::Expr, usize)> {
        let mut end = eq + 1;
        let mut body: Vec<Token> = Vec::new();
        loop {
            match self.kind(end) {
                TokenKind::Colon | TokenKind::Eof => break,
                TokenKind::Newline => {
                    let next = self.next_non_newline(end);
                    let complete = body.last().is_some_and(|t| t.kind.ends_operand());
                    if self.kind(next) == &TokenKind::Eof
                        || (complete && self.is_equation_start(next))
                    {
                        break;
                    }
                }
                _ => body.push(self.token(end).clone()),
            }
            end += 1;
        }
        let terminator = self.token(end);
        if body.is_empty() {
            return Err(Fail::from(
                Diagnostic::error("syntax::missing_expression", "missing expression after `=`")
                    .with_primary(self.token(eq).span, "expected an expression after this `=`"),
            ));
        }
        if let Some(fail) = self.misplaced_flags_at_end(&body, end) {
            return Err(fail);
        }
        let mut parser = Parser::over(&body, terminator);
        let expr = parser.expr()?;
        parser.expect_end("in the equation")?;
        Ok((expr, end))
    }

    /// `dv/dt = -v/tau (unless refractory) : volt`: flags written before the unit.
    fn misplaced_flags_at_end(&self, body: &[Token], terminator: usize) -> Option<Fail> {
        let close = body.len() - 1;
        if body[close].kind != TokenKind::RParen {
            return None;
        }
        let mut depth = 0usize;
        let open = (0..close).rev().find(|&k| match body[k].kind {
            TokenKind::RParen => {
                depth += 1;
                false
            }
            TokenKind::LParen if depth == 0 => true,
            TokenKind::LParen => {
                depth -= 1;
                false
            }
            _ => false,
        })?;
        let items = self.flag_items(&body[open + 1..close]).ok()?;
        if !items.iter().all(|f| KNOWN_FLAGS.contains(&f.name.as_str())) {
            return None;
        }
        let names: Vec<_> = items.iter().map(|f| f.name.as_str()).collect();
        // The unit as written after the `:`, to show the corrected order.
        let mut unit = "unit";
        if self.kind(terminator) == &TokenKind::Colon {
            let mut line_end = terminator + 1;
            while !matches!(self.kind(line_end), TokenKind::Newline | TokenKind::Eof) {
                line_end += 1;
            }
            if let Some(span) = span_of(&self.tokens[terminator + 1..line_end]) {
                unit = &self.text[span.range()];
            }
        }
        Some(Fail::from(
            Diagnostic::error("syntax::misplaced_flags", "flags must come after the unit")
                .with_primary(
                    body[open].span.to(body[close].span),
                    "flags before the unit",
                )
                .with_help(format!("write `: {unit} ({})`", names.join(", "))),
        ))
    }

    /// The unit after the `:` at `colon`, then optional flags; returns the index of the line end.
    fn unit_and_flags(&self, colon: usize) -> PResult<(UnitSpec, Vec<Flag>, usize)> {
        let mut i = colon + 1;
        let mut unit_tokens: Vec<Token> = Vec::new();
        loop {
            let kind = self.kind(i);
            let flags_start = kind == &TokenKind::LParen
                && unit_tokens.last().is_some_and(|t| t.kind.ends_operand());
            if flags_start || kind == &TokenKind::Eof {
                break;
            }
            if kind == &TokenKind::Newline {
                // Brian2 accepts the flags on the next line; no equation starts with `(`.
                let next = self.next_non_newline(i);
                if self.kind(next) == &TokenKind::LParen && !unit_tokens.is_empty() {
                    i = next;
                }
                break;
            }
            unit_tokens.push(self.token(i).clone());
            i += 1;
        }
        if let Some(fail) = self.flags_without_unit(colon, &unit_tokens) {
            return Err(fail);
        }
        let unit = unit_from_tokens(&unit_tokens, self.token(i))?;
        let mut flags = Vec::new();
        if self.kind(i) == &TokenKind::LParen {
            let (parsed, close) = self.flag_list(i)?;
            flags = parsed;
            i = close + 1;
        }
        match self.kind(i) {
            TokenKind::Newline | TokenKind::Eof => Ok((unit, flags, i)),
            TokenKind::Error => Err(Fail(None)),
            other => Err(Fail::from(
                Diagnostic::error(
                    "syntax::unexpected_token",
                    format!("unexpected {} after the flags", other.describe()),
                )
                .with_primary(self.token(i).span, "expected the end of the line")
                .with_help("an equation ends with its unit and an optional list of flags"),
            )),
        }
    }

    /// A missing unit, or flags written before the unit (`x : (constant) volt`).
    fn flags_without_unit(&self, colon: usize, unit: &[Token]) -> Option<Fail> {
        let colon_span = self.token(colon).span;
        let Some(first) = unit.first() else {
            return Some(Fail::from(
                Diagnostic::error("syntax::missing_unit", "missing unit after `:`")
                    .with_primary(colon_span, "expected a unit after this `:`")
                    .with_help("write the unit of the variable, e.g. `: volt`, or `: 1` when it is dimensionless"),
            ));
        };
        if first.kind != TokenKind::LParen {
            return None;
        }
        let close = unit.iter().position(|t| t.kind == TokenKind::RParen)?;
        let items = self.flag_items(&unit[1..close]).ok()?;
        let flag_like = items
            .iter()
            .any(|f| KNOWN_FLAGS.contains(&f.name.as_str()) || f.name.contains([' ', '-']))
            || items.len() > 1;
        if !flag_like {
            return None;
        }
        let group = first.span.to(unit[close].span);
        if close + 1 == unit.len() {
            return Some(Fail::from(
                Diagnostic::error("syntax::missing_unit", "missing unit before the flags")
                    .with_primary(group, "flags")
                    .with_secondary(colon_span, "expected a unit after this `:`")
                    .with_help("write the unit before the flags, e.g. `x : volt (constant)`"),
            ));
        }
        let unit_text = span_of(&unit[close + 1..]).map(|s| &self.text[s.range()]);
        Some(Fail::from(
            Diagnostic::error("syntax::misplaced_flags", "flags must come after the unit")
                .with_primary(group, "flags before the unit")
                .with_help(format!(
                    "write `: {} ({})`",
                    unit_text.unwrap_or("unit"),
                    items
                        .iter()
                        .map(|f| f.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
        ))
    }

    /// The flags in parentheses starting at `open`; returns them and the index of the `)`.
    fn flag_list(&self, open: usize) -> PResult<(Vec<Flag>, usize)> {
        let mut close = open + 1;
        while !matches!(self.kind(close), TokenKind::RParen | TokenKind::Eof) {
            close += 1;
        }
        if self.kind(close) == &TokenKind::Eof {
            return Err(Fail::from(
                Diagnostic::error("syntax::unclosed_parenthesis", "unclosed parenthesis")
                    .with_primary(
                        self.token(open).span,
                        "this `(` of the flag list is never closed",
                    ),
            ));
        }
        match self.flag_items(&self.tokens[open + 1..close]) {
            Ok(flags) => Ok((flags, close)),
            Err(fail) => Err(fail),
        }
    }

    /// Comma-separated flags, each one or more words joined by spaces or `-`
    /// (`unless refractory`, `event-driven`, `constant over dt`).
    fn flag_items(&self, tokens: &[Token]) -> PResult<Vec<Flag>> {
        let mut flags = Vec::new();
        let mut word_start: Option<usize> = None;
        for (k, token) in tokens.iter().enumerate() {
            match (&token.kind, word_start) {
                (TokenKind::Name(_), _) | (TokenKind::Int(_) | TokenKind::Minus, Some(_)) => {
                    word_start.get_or_insert(k);
                }
                (TokenKind::Comma, Some(s)) => {
                    flags.push(self.flag(&tokens[s..k]));
                    word_start = None;
                }
                (TokenKind::Error, _) => return Err(Fail(None)),
                (kind, _) => {
                    let message = if kind == &TokenKind::Comma {
                        "empty flag in the flag list".to_string()
                    } else {
                        format!("unexpected {} in the flag list", kind.describe())
                    };
                    return Err(Fail::from(
                        Diagnostic::error("syntax::invalid_flag_list", message)
                            .with_primary(token.span, "expected a flag name")
                            .with_help(
                                "flags are names separated by commas, e.g. `(constant, shared)`",
                            ),
                    ));
                }
            }
        }
        match word_start {
            Some(s) => flags.push(self.flag(&tokens[s..])),
            None => {
                let at = tokens.last().map(|t| t.span);
                return Err(Fail(
                    at.map(|span| {
                        Diagnostic::error(
                            "syntax::invalid_flag_list",
                            "empty flag in the flag list",
                        )
                        .with_primary(span, "expected a flag name after this")
                        .with_help("flags are names separated by commas, e.g. `(constant, shared)`")
                    })
                    .or_else(|| {
                        Some(Diagnostic::error(
                            "syntax::invalid_flag_list",
                            "empty flag list",
                        ))
                    }),
                ));
            }
        }
        Ok(flags)
    }

    fn flag(&self, words: &[Token]) -> Flag {
        let span = span_of(words).expect("a flag has at least one word");
        let name = self.text[span.range()]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        Flag { name, span }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::ExprKind;
    use rheobase_units::Dimension;

    fn parse(text: &str) -> Vec<Equation> {
        parse_equations(text, SourceId(0)).unwrap_or_else(|d| panic!("{text}: {d:#?}"))
    }

    fn codes(text: &str) -> Vec<&'static str> {
        parse_equations(text, SourceId(0))
            .unwrap_err()
            .iter()
            .map(|d| d.code)
            .collect()
    }

    const VOLT: Dimension = Dimension::from_ints([2, 1, -3, -1, 0, 0, 0]);

    #[test]
    fn three_kinds() {
        let eqs = parse(
            "dv/dt = (El - v)/tau : volt (unless refractory)\n\
             I = g*(E - v) : amp\n\
             tau : second (constant)",
        );
        let summary: Vec<_> = eqs.iter().map(|e| (e.kind, e.name.as_str())).collect();
        assert_eq!(
            summary,
            vec![
                (EquationKind::Differential, "v"),
                (EquationKind::Subexpression, "I"),
                (EquationKind::Parameter, "tau")
            ]
        );
        assert_eq!(eqs[0].unit.dim, VOLT);
        assert_eq!(eqs[0].flags[0].name, "unless refractory");
        assert_eq!(eqs[0].name_span.range(), 1..2);
        assert_eq!(eqs[0].span.range(), 0..47);
        assert!(eqs[2].expr.is_none());
        assert!(eqs[2].has_flag("constant"));
    }

    #[test]
    fn every_unit_kind() {
        let eqs = parse(
            "a : 1\nb : boolean\nc : integer\nd : volt\ne : amp/second\n\
             f : 1/second\ng : second**-0.5\nh : second ** -1\nk : volt*amp",
        );
        let types: Vec<_> = eqs.iter().map(|e| e.unit.vtype).collect();
        assert_eq!(
            &types[..3],
            &[VarType::Float, VarType::Boolean, VarType::Integer]
        );
        assert_eq!(eqs[3].unit.dim, VOLT);
        assert!(eqs[..3].iter().all(|e| e.unit.dim.is_dimensionless()));
        assert_eq!(eqs[6].unit.dim.exponents()[2].to_f64(), -0.5);
        assert_eq!(eqs[7].unit.dim.exponents()[2].to_f64(), -1.0);
        assert_eq!(eqs[3].unit.span.range(), 34..38);
    }

    #[test]
    fn flags_as_written() {
        let eqs = parse(
            "dx/dt = -x/tau : 1 (event-driven)\n\
             y = x : 1 (shared, constant over dt)\n\
             z : 1 (summed)",
        );
        let flags: Vec<Vec<&str>> = eqs
            .iter()
            .map(|e| e.flags.iter().map(|f| f.name.as_str()).collect())
            .collect();
        assert_eq!(
            flags,
            vec![
                vec!["event-driven"],
                vec!["shared", "constant over dt"],
                vec!["summed"]
            ]
        );
    }

    #[test]
    fn multi_line_expressions_comments_and_continuations() {
        let eqs = parse(
            "# a model\n\
             dv/dt = (gl*(El - v) # leak\n\
                      + I) / C : volt  # membrane\n\
             \n\
             dw/dt = a*(v - El) -\n\
                     w : amp\n\
             I = 2*nA \\\n\
                 + 1*nA : amp\n\
             dy/dt = -y \n   / tau : 1\n",
        );
        assert_eq!(eqs.len(), 4);
        assert!(matches!(
            eqs[1].expr.as_ref().unwrap().kind,
            ExprKind::Binary(crate::ast::BinOp::Sub, ..)
        ));
        assert!(matches!(
            eqs[3].expr.as_ref().unwrap().kind,
            ExprKind::Binary(crate::ast::BinOp::Div, ..)
        ));
    }

    #[test]
    fn flags_on_the_next_line() {
        let eqs = parse("x : volt\n   (constant)\ny : 1");
        assert_eq!(eqs.len(), 2);
        assert!(eqs[0].has_flag("constant"));
    }

    #[test]
    fn no_space_before_colon() {
        let eqs = parse("dv/dt = -v / tau: volt");
        assert_eq!(eqs[0].unit.dim, VOLT);
    }

    #[test]
    fn errors() {
        assert_eq!(codes("dv/dt = -v/tau"), vec!["syntax::missing_unit"]);
        assert_eq!(codes("dv/dt = -v/tau :"), vec!["syntax::missing_unit"]);
        assert_eq!(codes("v : mV"), vec!["units::not_base_unit"]);
        assert_eq!(codes("v : voltage"), vec!["units::unknown_unit"]);
        assert_eq!(codes("dv/dx = 1 : 1"), vec!["syntax::invalid_lhs"]);
        assert_eq!(codes("d/dt = 1 : 1"), vec!["syntax::invalid_lhs"]);
        assert_eq!(codes("2*v = 1 : 1"), vec!["syntax::invalid_lhs"]);
        assert_eq!(codes("= 1 : 1"), vec!["syntax::invalid_lhs"]);
        assert_eq!(codes("dv/dt : volt"), vec!["syntax::missing_expression"]);
        assert_eq!(codes("dv/dt = : volt"), vec!["syntax::missing_expression"]);
        assert_eq!(codes("v volt"), vec!["syntax::expected_equation"]);
        assert_eq!(
            codes("v : volt\nv : amp"),
            vec!["model::duplicate_definition"]
        );
        assert_eq!(
            codes("v : volt (constant"),
            vec!["syntax::unclosed_parenthesis"]
        );
        assert_eq!(
            codes("v : volt (constant,)"),
            vec!["syntax::invalid_flag_list"]
        );
        assert_eq!(codes("v : volt ()"), vec!["syntax::invalid_flag_list"]);
        assert_eq!(
            codes("v : volt (constant) x"),
            vec!["syntax::unexpected_token"]
        );
        assert_eq!(
            codes("v : (constant) volt"),
            vec!["syntax::misplaced_flags"]
        );
        assert_eq!(codes("v : (constant)"), vec!["syntax::missing_unit"]);
        assert_eq!(
            codes("dv/dt = -v/tau (unless refractory) : volt"),
            vec!["syntax::misplaced_flags"]
        );
        assert_eq!(
            codes("dv/dt = -v/tau (unless refractory)"),
            vec!["syntax::misplaced_flags"]
        );
        assert_eq!(codes("dv/dt = 1 : boolean"), vec!["model::invalid_type"]);
        assert_eq!(
            codes("x = a < b < c : boolean"),
            vec!["syntax::chained_comparison"]
        );
    }

    #[test]
    fn every_error_is_reported() {
        let text = "dv/dt = -v/ : volt\nw : amperes\nx = 1 +\n  2 : 1\ny = $ : 1\nz = (1 : 1";
        assert_eq!(
            codes(text),
            vec![
                "syntax::trailing_operator",
                "units::unknown_unit",
                "syntax::unexpected_character",
                "syntax::unclosed_parenthesis"
            ]
        );
    }

    #[test]
    fn missing_unit_stops_at_the_next_equation() {
        let errs = parse_equations("dv/dt = -v/tau\nw : volt\nu : foo", SourceId(0)).unwrap_err();
        let codes: Vec<_> = errs.iter().map(|d| d.code).collect();
        assert_eq!(codes, vec!["syntax::missing_unit", "units::unknown_unit"]);
        assert_eq!(errs.0[0].labels[0].span.range(), 14..14);
    }

    #[test]
    fn empty_model() {
        assert_eq!(parse(""), vec![]);
        assert_eq!(parse("\n  # nothing\n"), vec![]);
    }
}
