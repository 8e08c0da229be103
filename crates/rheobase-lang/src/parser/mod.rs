//! Hand-written recursive-descent parser for expressions, statements and equations.
//!
//! Public entry points: [`parse_expression`], [`parse_statements`], [`parse_equations`]. Every
//! error is a [`Diagnostic`] pointing into the user's text; statement and equation parsing
//! recover at the next statement or equation, so all errors of a string are reported together.
//!
//! # Diagnostic codes
//!
//! | code | meaning |
//! |---|---|
//! | `syntax::unexpected_character` | a character outside the language (`$`, `^`, a stray `\`) |
//! | `syntax::invalid_number` | a malformed or too large number (`1.2.3`, `1e`, `07`) |
//! | `syntax::unexpected_token` | a token where another was expected |
//! | `syntax::unclosed_parenthesis` | a `(` never closed |
//! | `syntax::unmatched_parenthesis` | a `)` without its `(` |
//! | `syntax::trailing_operator` | an operator with no right operand (`a +`) |
//! | `syntax::too_deeply_nested` | more than 200 levels of parentheses or prefix operators |
//! | `syntax::chained_comparison` | `a < b < c` (Brian2 rejects it too); write `a < b and b < c` |
//! | `syntax::expected_statement` | a statement not starting with a variable name |
//! | `syntax::expected_assignment` | no `=`, `+=`, `-=`, `*=`, `/=` after the target |
//! | `syntax::comparison_as_assignment` | `v == vr` written as a statement |
//! | `syntax::expected_equation` | a model line with neither `=` nor `:` |
//! | `syntax::invalid_lhs` | a left side other than `x` or `dx/dt` |
//! | `syntax::missing_expression` | `dx/dt = : unit`, `dx/dt : unit` |
//! | `syntax::missing_unit` | an equation without `: unit` |
//! | `syntax::misplaced_flags` | flags before the unit |
//! | `syntax::invalid_flag_list` | an empty or malformed flag list |
//! | `units::unknown_unit` | a unit name not in the registry |
//! | `units::not_base_unit` | a scaled unit (`mV`) where Brian2 wants a base unit (`volt`) |
//! | `units::invalid_unit` | a unit expression that is not a product of powers of units |
//! | `model::invalid_type` | a differential equation declared `boolean` or `integer` |
//! | `model::duplicate_definition` | a variable defined twice |
//! | `model::invalid_flag` | a flag not allowed for the equation kind, repeated or conflicting |
//! | `model::invalid_name` | a reserved, keyword, underscore or unit name as a variable |
//! | `model::circular_subexpression` | subexpressions that depend on each other in a cycle |
//! | `model::invalid_noise` | `xi` outside differential equations, or in two of them |
//! | `model::invalid_substitution` | a model variable replaced by a value |
//! | `syntax::invalid_generator` | a `connect` generator not of the form `k for k in range(...) if ...` |
//! | `syntax::unknown_iterator` | a generator iterator other than `range` and `sample` |
//! | `syntax::invalid_iterator_arguments` | wrong arguments to `range`/`sample` (count, `p=`/`size=`) |

#[cfg(test)]
mod compat_tests;
mod equation;
mod expr;
mod flags;
mod generator;
mod statement;

pub(crate) use equation::duplicate_definition;
pub use equation::parse_equations;
pub use flags::{validate_flags, FlagRules, NEURON_GROUP_FLAGS, SYNAPSES_FLAGS};
pub use generator::{parse_generator, GeneratorIterator, GeneratorSpec, SampleSize};
pub use statement::parse_statements;

use crate::ast::Expr;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::lexer::{tokenize, Token, TokenKind};
use crate::span::{SourceId, Span};

/// Parse one expression (a threshold, a subexpression's right-hand side, a connect condition).
/// Newlines are allowed anywhere in it.
pub fn parse_expression(text: &str, src: SourceId) -> Result<Expr, Diagnostics> {
    let (tokens, mut diagnostics) = tokenize(text, src);
    let tokens: Vec<Token> = tokens
        .into_iter()
        .filter(|t| t.kind != TokenKind::Newline)
        .collect();
    let mut parser = Parser::new(tokens, None);
    let result = parser.expr().and_then(|e| {
        parser.expect_end("after the expression")?;
        Ok(e)
    });
    match result {
        Ok(e) if diagnostics.is_empty() => Ok(e),
        Ok(_) => Err(diagnostics),
        Err(fail) => {
            fail.report(&mut diagnostics);
            Err(sorted(diagnostics))
        }
    }
}

/// Diagnostics in the order of their first label in the text.
pub(crate) fn sorted(mut diagnostics: Diagnostics) -> Diagnostics {
    diagnostics.0.sort_by_key(|d| {
        d.labels
            .iter()
            .find(|l| l.primary)
            .or(d.labels.first())
            .map(|l| (l.span.src, l.span.start))
    });
    diagnostics
}

/// A parse failure: the diagnostic, or `None` when the lexer already reported the bad text.
#[derive(Debug)]
pub(crate) struct Fail(Option<Diagnostic>);

impl Fail {
    pub(crate) fn report(self, diagnostics: &mut Diagnostics) {
        if let Some(d) = self.0 {
            diagnostics.push(d);
        }
    }
}

impl From<Diagnostic> for Fail {
    fn from(d: Diagnostic) -> Fail {
        Fail(Some(d))
    }
}

pub(crate) type PResult<T> = Result<T, Fail>;

/// A cursor over tokens. The last token is the end marker (`Eof`); in statement mode newlines
/// and semicolons also end an expression.
pub(crate) struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    /// How messages name the end marker when it stands for something else (`:` after an
    /// equation's right-hand side).
    end_name: Option<String>,
    /// Newlines and `;` end expressions (statements).
    pub(crate) statement_mode: bool,
    /// Current nesting of parentheses, calls and prefix operators.
    depth: usize,
}

/// Deepest nesting accepted (Python allows about 200 parentheses); deeper input is an error
/// rather than a stack overflow.
const MAX_NESTING: usize = 200;

impl Parser {
    /// `tokens` must end with an `Eof` token.
    pub(crate) fn new(tokens: Vec<Token>, end_name: Option<String>) -> Parser {
        debug_assert!(matches!(
            tokens.last().map(|t| &t.kind),
            Some(TokenKind::Eof)
        ));
        Parser {
            tokens,
            pos: 0,
            end_name,
            statement_mode: false,
            depth: 0,
        }
    }

    /// A parser over `slice`, ended by `end` (whose kind is taken as the end marker).
    pub(crate) fn over(slice: &[Token], end: &Token) -> Parser {
        let mut tokens = slice.to_vec();
        let end_name = end.kind.describe();
        tokens.push(Token {
            kind: TokenKind::Eof,
            span: end.span,
        });
        Parser::new(tokens, Some(end_name))
    }

    pub(crate) fn peek(&self) -> &Token {
        &self.tokens[self.pos.min(self.tokens.len() - 1)]
    }

    pub(crate) fn peek_kind(&self) -> &TokenKind {
        &self.peek().kind
    }

    pub(crate) fn bump(&mut self) -> Token {
        let t = self.peek().clone();
        if self.pos < self.tokens.len() - 1 {
            self.pos += 1;
        }
        t
    }

    pub(crate) fn at(&self, kind: &TokenKind) -> bool {
        self.peek_kind() == kind
    }

    /// At the end marker, or (in statement mode) at a newline or `;`.
    pub(crate) fn at_stop(&self) -> bool {
        match self.peek_kind() {
            TokenKind::Eof => true,
            TokenKind::Newline | TokenKind::Semicolon => self.statement_mode,
            _ => false,
        }
    }

    pub(crate) fn previous(&self) -> Option<&Token> {
        self.pos.checked_sub(1).map(|p| &self.tokens[p])
    }

    /// How messages name the current token.
    pub(crate) fn describe_current(&self) -> String {
        match (&self.peek().kind, &self.end_name) {
            (TokenKind::Eof, Some(name)) => name.clone(),
            (kind, _) => kind.describe(),
        }
    }

    /// An error at the current token, unless the lexer already reported it.
    pub(crate) fn error_here(&self, code: &'static str, message: String, label: &str) -> Fail {
        if self.at(&TokenKind::Error) {
            return Fail(None);
        }
        Fail(Some(
            Diagnostic::error(code, message).with_primary(self.peek().span, label),
        ))
    }

    /// Run `f` one nesting level deeper, failing cleanly past [`MAX_NESTING`].
    pub(crate) fn nested<T>(&mut self, f: impl FnOnce(&mut Parser) -> PResult<T>) -> PResult<T> {
        if self.depth >= MAX_NESTING {
            return Err(Fail(Some(
                Diagnostic::error(
                    "syntax::too_deeply_nested",
                    format!("expression nested more than {MAX_NESTING} levels deep"),
                )
                .with_primary(self.peek().span, "too deeply nested")
                .with_help("split the expression into subexpressions"),
            )));
        }
        self.depth += 1;
        let result = f(self);
        self.depth -= 1;
        result
    }

    /// The whole input (or statement) must be used up.
    pub(crate) fn expect_end(&self, context: &str) -> PResult<()> {
        if self.at_stop() {
            return Ok(());
        }
        let found = self.describe_current();
        match self.peek_kind() {
            TokenKind::RParen => Err(self.error_here(
                "syntax::unmatched_parenthesis",
                "unmatched `)`".to_string(),
                "this `)` has no matching `(`",
            )),
            TokenKind::Assign => Err(Fail(Some(
                Diagnostic::error(
                    "syntax::unexpected_token",
                    format!("unexpected `=` {context}"),
                )
                .with_primary(self.peek().span, "assignment is not allowed here")
                .with_help("use `==` to compare two values"),
            ))),
            kind if kind.ends_operand()
                && self.previous().is_some_and(|p| p.kind.ends_operand()) =>
            {
                Err(self.error_here(
                    "syntax::unexpected_token",
                    format!("expected an operator, found {found}"),
                    "expected an operator such as `*` or `+` before this",
                ))
            }
            _ => Err(self.error_here(
                "syntax::unexpected_token",
                format!("unexpected {found} {context}"),
                "unexpected here",
            )),
        }
    }

    /// The span just after the previous token (where something is missing).
    pub(crate) fn gap_after_previous(&self) -> Span {
        match self.previous() {
            Some(t) => Span {
                src: t.span.src,
                start: t.span.end,
                end: t.span.end,
            },
            None => self.peek().span,
        }
    }
}
