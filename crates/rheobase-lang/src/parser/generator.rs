//! Brian2's generator syntax for `Synapses.connect(j=...)` and `connect(i=...)`:
//!
//! ```text
//! ELEMENT for VAR in range(stop)                       range(start, stop[, step])
//! ELEMENT for VAR in sample(stop, p=P)                 sample(start, stop[, step], p=P)
//! ELEMENT for VAR in sample(stop, size=S)              ... optionally followed by `if CONDITION`
//! ELEMENT                                              ELEMENT if CONDITION
//! ```
//!
//! `ELEMENT` gives the created index (`k`, `k+1`, `i+(-1)**k`). The last two forms are Brian2's
//! one-to-one shorthand (`j='i'`), which Brian2 rewrites as `i for _ in range(1)`; here they are
//! [`GeneratorIterator::Single`]. Arguments are ordinary expressions, evaluated later for each
//! outer index; the parser only checks the shape, as Brian2's `parse_synapse_generator` does.

use super::{sorted, Fail, PResult, Parser};
use crate::ast::{Expr, ExprKind};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::lexer::{tokenize, Token, TokenKind};
use crate::span::{SourceId, Span};

/// How many of the population an iterator `sample(...)` keeps.
#[derive(Clone, Debug, PartialEq)]
pub enum SampleSize {
    /// `p=...`: every candidate independently with this probability.
    Probability(Expr),
    /// `size=...`: exactly this many candidates, without replacement.
    Fixed(Expr),
}

/// The iterator of a generator. Omitted `start` and `step` are filled in as the literals `0` and
/// `1`, with the span of the function name.
#[derive(Clone, Debug, PartialEq)]
pub enum GeneratorIterator {
    /// `range(start, stop, step)`, Python's `range`.
    Range { start: Expr, stop: Expr, step: Expr },
    /// `sample(start, stop, step, p=... | size=...)`: a random subset of the same population.
    Sample {
        start: Expr,
        stop: Expr,
        step: Expr,
        size: SampleSize,
    },
    /// No iterator: the element is evaluated once (`j='i'`, `j='i if i % 2 == 0'`).
    Single,
}

/// A parsed generator expression; every node keeps its span into the user's text.
#[derive(Clone, Debug, PartialEq)]
pub struct GeneratorSpec {
    /// The created index (`k` in `k for k in ...`, `i` in `j='i'`).
    pub element: Expr,
    /// The iteration variable; `_` in the [`GeneratorIterator::Single`] form (as Brian2).
    pub var: String,
    /// Span of the iteration variable; the element's span in the single form.
    pub var_span: Span,
    pub iterator: GeneratorIterator,
    pub condition: Option<Expr>,
    pub span: Span,
}

/// Parse a generator expression (the string given as `j=` or `i=` to `connect`).
///
/// Codes: `syntax::invalid_generator` (the overall shape), `syntax::unknown_iterator` (an
/// iterator other than `range` and `sample`), `syntax::invalid_iterator_arguments` (wrong
/// arguments to them), plus the expression parser's own codes.
pub fn parse_generator(text: &str, src: SourceId) -> Result<GeneratorSpec, Diagnostics> {
    let (tokens, mut diagnostics) = tokenize(text, src);
    let tokens: Vec<Token> = tokens
        .into_iter()
        .filter(|t| t.kind != TokenKind::Newline)
        .collect();
    let mut parser = Parser::new(tokens, None);
    match parser.generator() {
        Ok(spec) if diagnostics.is_empty() => Ok(spec),
        Ok(_) => Err(diagnostics),
        Err(fail) => {
            fail.report(&mut diagnostics);
            Err(sorted(diagnostics))
        }
    }
}

/// The shape Brian2 expects, shown in help lines.
const EXAMPLE: &str = "write a generator such as `k for k in range(i-3, i+4) if k >= 0 and k < N_post` or `k for k in sample(N_post, p=0.1)`";

fn invalid(span: Span, message: impl Into<String>, label: &str) -> Fail {
    Fail::from(
        Diagnostic::error("syntax::invalid_generator", message)
            .with_primary(span, label)
            .with_help(EXAMPLE),
    )
}

fn is_word(kind: &TokenKind, word: &str) -> bool {
    matches!(kind, TokenKind::Name(n) if n == word)
}

/// Python keywords the generator syntax reserves.
fn is_generator_keyword(name: &str) -> bool {
    matches!(name, "for" | "in" | "if")
}

/// One argument of `range(...)`/`sample(...)`: positional or `name=value`.
struct Argument {
    keyword: Option<(String, Span)>,
    value: Expr,
}

impl Parser {
    fn generator(&mut self) -> PResult<GeneratorSpec> {
        let first = self.peek().span;
        if let TokenKind::Name(n) = self.peek_kind() {
            if is_generator_keyword(n) {
                let n = n.clone();
                return Err(invalid(
                    first,
                    format!("a generator starts with the created index, found `{n}`"),
                    "expected an expression before this",
                ));
            }
        }
        let element = self.expr()?;
        let (var, var_span, iterator) = if is_word(self.peek_kind(), "for") {
            self.bump();
            let (var, var_span) = self.iteration_variable()?;
            if !is_word(self.peek_kind(), "in") {
                let found = self.describe_current();
                return Err(invalid(
                    self.peek().span,
                    format!("expected `in` after `for {var}`, found {found}"),
                    "expected `in` here",
                ));
            }
            self.bump();
            let iterator = self.iterator()?;
            (var, var_span, iterator)
        } else {
            ("_".to_string(), element.span, GeneratorIterator::Single)
        };
        let condition = if is_word(self.peek_kind(), "if") {
            self.bump();
            Some(self.expr()?)
        } else {
            None
        };
        match self.peek_kind() {
            TokenKind::Name(n) if n == "if" => Err(invalid(
                self.peek().span,
                "a generator may have at most one `if`",
                "second `if`",
            )
            .with_help_replaced("join the conditions with `and`")),
            TokenKind::Name(n) if n == "for" => Err(invalid(
                self.peek().span,
                "a generator may iterate over only one iterator",
                "second `for`",
            )),
            _ => {
                self.expect_end("after the generator")?;
                let end = self.previous().map(|t| t.span).unwrap_or(first);
                Ok(GeneratorSpec {
                    element,
                    var,
                    var_span,
                    iterator,
                    condition,
                    span: first.to(end),
                })
            }
        }
    }

    fn iteration_variable(&mut self) -> PResult<(String, Span)> {
        let token = self.peek().clone();
        match &token.kind {
            TokenKind::Name(n) if !is_generator_keyword(n) => {
                self.bump();
                if self.at(&TokenKind::Comma) {
                    return Err(invalid(
                        self.peek().span,
                        "a generator must iterate over a single variable",
                        "tuples are not supported",
                    ));
                }
                Ok((n.clone(), token.span))
            }
            _ => {
                let found = self.describe_current();
                Err(invalid(
                    token.span,
                    format!("expected the iteration variable after `for`, found {found}"),
                    "expected a name such as `k`",
                ))
            }
        }
    }

    fn iterator(&mut self) -> PResult<GeneratorIterator> {
        let token = self.peek().clone();
        let TokenKind::Name(name) = &token.kind else {
            let found = self.describe_current();
            return Err(Fail::from(
                Diagnostic::error(
                    "syntax::unknown_iterator",
                    format!("expected `range(...)` or `sample(...)` after `in`, found {found}"),
                )
                .with_primary(token.span, "expected `range` or `sample`")
                .with_help(EXAMPLE),
            ));
        };
        if name != "range" && name != "sample" {
            return Err(Fail::from(
                Diagnostic::error(
                    "syntax::unknown_iterator",
                    format!("unknown iterator `{name}`: Brian2 supports `range` and `sample`"),
                )
                .with_primary(token.span, "not `range` or `sample`")
                .with_help(EXAMPLE),
            ));
        }
        let name = name.clone();
        self.bump();
        if !self.at(&TokenKind::LParen) {
            return Err(invalid(
                self.peek().span,
                format!("expected `(` after `{name}`"),
                "expected the arguments here",
            ));
        }
        let open = self.bump().span;
        let args = self.iterator_arguments()?;
        let close = self.expect_iterator_close(open)?;
        let call_span = token.span.to(close);
        build_iterator(&name, token.span, call_span, args)
    }

    fn iterator_arguments(&mut self) -> PResult<Vec<Argument>> {
        let mut args = Vec::new();
        while !self.at(&TokenKind::RParen) && !self.at_stop() {
            let keyword = match (self.peek_kind(), self.peek_second_kind()) {
                (TokenKind::Name(n), Some(TokenKind::Assign)) => {
                    let keyword = (n.clone(), self.peek().span);
                    self.bump();
                    self.bump();
                    Some(keyword)
                }
                _ => None,
            };
            let value = self.expr()?;
            args.push(Argument { keyword, value });
            if self.at(&TokenKind::Comma) {
                self.bump();
            } else {
                break;
            }
        }
        Ok(args)
    }

    fn peek_second_kind(&self) -> Option<&TokenKind> {
        self.tokens.get(self.pos + 1).map(|t| &t.kind)
    }

    fn expect_iterator_close(&mut self, open: Span) -> PResult<Span> {
        if self.at(&TokenKind::RParen) {
            return Ok(self.bump().span);
        }
        if self.at(&TokenKind::Error) {
            return Err(Fail(None));
        }
        let found = self.describe_current();
        let d = if self.at_stop() {
            Diagnostic::error("syntax::unclosed_parenthesis", "unclosed parenthesis")
                .with_primary(open, "this `(` is never closed")
        } else {
            Diagnostic::error(
                "syntax::unexpected_token",
                format!("expected `,` or `)`, found {found}"),
            )
            .with_primary(self.peek().span, "expected `,` or `)` here")
            .with_secondary(open, "to close this `(`")
        };
        Err(Fail::from(d))
    }
}

impl Fail {
    /// Replace the help line of the diagnostic (if any).
    fn with_help_replaced(self, help: &str) -> Fail {
        Fail(self.0.map(|d| d.with_help(help)))
    }
}

fn arguments_error(span: Span, message: impl Into<String>, label: &str, help: &str) -> Fail {
    Fail::from(
        Diagnostic::error("syntax::invalid_iterator_arguments", message)
            .with_primary(span, label)
            .with_help(help),
    )
}

/// Check the arguments of `range`/`sample` (Brian2's `handle_range`, `handle_sample`) and fill
/// in the defaults.
fn build_iterator(
    name: &str,
    name_span: Span,
    call_span: Span,
    args: Vec<Argument>,
) -> PResult<GeneratorIterator> {
    let (help, max_keywords) = if name == "range" {
        (
            "`range` takes `stop`, `start, stop` or `start, stop, step`",
            0,
        )
    } else {
        (
            "`sample` takes `stop`, `start, stop` or `start, stop, step`, and one of `p=` or `size=`",
            1,
        )
    };
    let mut positional = Vec::new();
    let mut keywords: Vec<(String, Span, Expr)> = Vec::new();
    for arg in args {
        match arg.keyword {
            Some((k, span)) => {
                if max_keywords == 0 {
                    return Err(arguments_error(
                        span,
                        "`range` does not accept keyword arguments",
                        "keyword argument",
                        help,
                    ));
                }
                if k != "p" && k != "size" {
                    return Err(arguments_error(
                        span,
                        format!("`sample` accepts `p=` or `size=`, not `{k}=`"),
                        "unknown keyword",
                        help,
                    ));
                }
                if let Some((first, first_span, _)) = keywords.first() {
                    let message = if *first == k {
                        format!("`{k}=` given twice")
                    } else {
                        "`sample` accepts either `p=` or `size=`, not both".to_string()
                    };
                    return Err(Fail::from(
                        Diagnostic::error("syntax::invalid_iterator_arguments", message)
                            .with_primary(span, "second keyword")
                            .with_secondary(*first_span, "first keyword")
                            .with_help(help),
                    ));
                }
                keywords.push((k, span, arg.value));
            }
            None => {
                if let Some((_, span, _)) = keywords.first() {
                    return Err(arguments_error(
                        arg.value.span,
                        "positional argument after a keyword argument",
                        "positional argument",
                        help,
                    )
                    .with_secondary_fail(*span, "keyword argument"));
                }
                positional.push(arg.value);
            }
        }
    }
    if positional.is_empty() || positional.len() > 3 {
        return Err(arguments_error(
            call_span,
            format!(
                "`{name}` takes 1 to 3 positional arguments, {} given",
                positional.len()
            ),
            "wrong number of arguments",
            help,
        ));
    }
    let literal = |n: i64| Expr::new(ExprKind::Int(n), name_span);
    let mut positional = positional.into_iter();
    let (start, stop, step) = match positional.len() {
        1 => (literal(0), positional.next().unwrap(), literal(1)),
        2 => {
            let start = positional.next().unwrap();
            (start, positional.next().unwrap(), literal(1))
        }
        _ => {
            let start = positional.next().unwrap();
            let stop = positional.next().unwrap();
            (start, stop, positional.next().unwrap())
        }
    };
    if name == "range" {
        return Ok(GeneratorIterator::Range { start, stop, step });
    }
    let Some((keyword, _, value)) = keywords.pop() else {
        return Err(arguments_error(
            call_span,
            "`sample` needs `p=` (a probability) or `size=` (a number of samples)",
            "neither `p=` nor `size=` given",
            help,
        ));
    };
    let size = if keyword == "p" {
        SampleSize::Probability(value)
    } else {
        SampleSize::Fixed(value)
    };
    Ok(GeneratorIterator::Sample {
        start,
        stop,
        step,
        size,
    })
}

impl Fail {
    fn with_secondary_fail(self, span: Span, message: &str) -> Fail {
        Fail(self.0.map(|d| d.with_secondary(span, message)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> GeneratorSpec {
        parse_generator(text, SourceId(0)).unwrap_or_else(|d| panic!("{text}: {d:?}"))
    }

    fn code(text: &str) -> &'static str {
        parse_generator(text, SourceId(0)).unwrap_err().0[0].code
    }

    fn show(e: &Expr) -> String {
        e.to_string()
    }

    #[test]
    fn range_with_condition() {
        let text = "k for k in range(i-3, i+4) if k >= 0 and k < N_post";
        let g = parse(text);
        assert_eq!(show(&g.element), "k");
        assert_eq!(g.var, "k");
        assert_eq!(&text[g.var_span.range()], "k");
        assert_eq!(g.var_span.range(), 6..7);
        let GeneratorIterator::Range { start, stop, step } = &g.iterator else {
            panic!("{:?}", g.iterator)
        };
        assert_eq!(&text[start.span.range()], "i-3");
        assert_eq!(&text[stop.span.range()], "i+4");
        assert_eq!(step.kind, ExprKind::Int(1));
        let cond = g.condition.unwrap();
        assert_eq!(&text[cond.span.range()], "k >= 0 and k < N_post");
        assert_eq!(g.span.range(), 0..text.len());
    }

    #[test]
    fn range_argument_counts() {
        let GeneratorIterator::Range { start, stop, step } = parse("k for k in range(N)").iterator
        else {
            panic!()
        };
        assert_eq!(start.kind, ExprKind::Int(0));
        assert_eq!(show(&stop), "N");
        assert_eq!(step.kind, ExprKind::Int(1));
        let GeneratorIterator::Range { start, step, .. } =
            parse("k for k in range(a, b, -2)").iterator
        else {
            panic!()
        };
        assert_eq!(show(&start), "a");
        assert_eq!(show(&step), "-2");
    }

    #[test]
    fn sample_forms() {
        let g = parse("k for k in sample(N_post, p=0.1)");
        let GeneratorIterator::Sample {
            start, stop, size, ..
        } = &g.iterator
        else {
            panic!()
        };
        assert_eq!(start.kind, ExprKind::Int(0));
        assert_eq!(show(stop), "N_post");
        assert!(matches!(size, SampleSize::Probability(p) if p.kind == ExprKind::Float(0.1)));
        let g = parse("k for k in sample(N_post, size=10)");
        assert!(matches!(
            g.iterator,
            GeneratorIterator::Sample { size: SampleSize::Fixed(ref s), .. } if s.kind == ExprKind::Int(10)
        ));
        let g = parse("k for k in sample(0, N, 2, p=i*1.0/(N_pre-1)) if abs(i-k)<10");
        assert!(matches!(g.iterator, GeneratorIterator::Sample { .. }));
        assert!(g.condition.is_some());
    }

    #[test]
    fn element_expressions_and_i_generators() {
        let g = parse("i+(-1)**k for k in range(2) if i>0 and i<N_pre-1");
        assert_eq!(show(&g.element), "i + (-1)**k");
        let g = parse("k for k in range(j+1)");
        assert_eq!(g.var, "k");
    }

    #[test]
    fn single_expression_forms() {
        let text = "i";
        let g = parse(text);
        assert_eq!(g.iterator, GeneratorIterator::Single);
        assert_eq!(g.var, "_");
        assert!(g.condition.is_none());
        let g = parse("N_post - 1 - i if i % 2 == 0");
        assert_eq!(g.iterator, GeneratorIterator::Single);
        assert_eq!(show(g.condition.as_ref().unwrap()), "i%2 == 0");
    }

    #[test]
    fn newlines_are_whitespace() {
        let g = parse("k for k in range(\n 10)\n if k != i");
        assert!(g.condition.is_some());
    }

    #[test]
    fn errors() {
        assert_eq!(code("k for k in xrange(10)"), "syntax::unknown_iterator");
        assert_eq!(code("k for k in 10"), "syntax::unknown_iterator");
        assert_eq!(
            code("k for k in range()"),
            "syntax::invalid_iterator_arguments"
        );
        assert_eq!(
            code("k for k in range(1, 2, 3, 4)"),
            "syntax::invalid_iterator_arguments"
        );
        assert_eq!(
            code("k for k in range(N, p=0.1)"),
            "syntax::invalid_iterator_arguments"
        );
        assert_eq!(
            code("k for k in sample(N)"),
            "syntax::invalid_iterator_arguments"
        );
        assert_eq!(
            code("k for k in sample(N, p=0.1, size=3)"),
            "syntax::invalid_iterator_arguments"
        );
        assert_eq!(
            code("k for k in sample(N, q=0.1)"),
            "syntax::invalid_iterator_arguments"
        );
        assert_eq!(
            code("k for k in sample(p=0.1, N)"),
            "syntax::invalid_iterator_arguments"
        );
        assert_eq!(code("k for k range(N)"), "syntax::invalid_generator");
        assert_eq!(code("k for in range(N)"), "syntax::invalid_generator");
        assert_eq!(code("k for a, b in range(N)"), "syntax::invalid_generator");
        assert_eq!(
            code("k for k in range(N) if k > 1 if k < 5"),
            "syntax::invalid_generator"
        );
        assert_eq!(
            code("k for k in range(N) for l in range(N)"),
            "syntax::invalid_generator"
        );
        assert_eq!(code("for k in range(N)"), "syntax::invalid_generator");
        assert_eq!(code("k for k in range(N"), "syntax::unclosed_parenthesis");
        assert_eq!(code("k for k in range N"), "syntax::invalid_generator");
        assert_eq!(code("k + for k in range(N)"), "syntax::unexpected_token");
        assert_eq!(code("k for k in range(N) if"), "syntax::unexpected_token");
        assert_eq!(code("k for k in range(N) k"), "syntax::unexpected_token");
        assert_eq!(code("k $ 1"), "syntax::unexpected_character");
        assert_eq!(code(""), "syntax::unexpected_token");
    }

    /// Rendered diagnostics, as users see them (snapshots in `parser/snapshots/`).
    fn render(text: &str) -> String {
        let mut sources = crate::span::SourceMap::new();
        let src = sources.add("Synapses 'S' connect(j=...)", text);
        let diagnostics = parse_generator(text, src).expect_err("must be rejected");
        format!("{text}\n---\n{}", diagnostics.render(&sources))
    }

    #[test]
    fn rendered_diagnostics() {
        insta::assert_snapshot!(
            "generator_unknown_iterator",
            render("k for k in randint(N_post)")
        );
        insta::assert_snapshot!(
            "generator_p_and_size",
            render("k for k in sample(N_post, p=0.1, size=10)")
        );
        insta::assert_snapshot!(
            "generator_two_ifs",
            render("k for k in range(N_post) if k > i if k < i + 5")
        );
        insta::assert_snapshot!("generator_missing_in", render("k for k range(i, i+4)"));
    }

    #[test]
    fn error_spans_point_at_the_problem() {
        let text = "k for k in sample(N, p=0.1, size=3)";
        let d = &parse_generator(text, SourceId(0)).unwrap_err().0[0];
        let primary = d.labels.iter().find(|l| l.primary).unwrap();
        assert_eq!(&text[primary.span.range()], "size");
        let text = "k for k in randint(N)";
        let d = &parse_generator(text, SourceId(0)).unwrap_err().0[0];
        assert_eq!(&text[d.labels[0].span.range()], "randint");
    }
}
