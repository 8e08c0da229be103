//! Statements of reset and event code: `v = vr; w += b`, separated by `;` or newlines.

use super::{sorted, Fail, PResult, Parser};
use crate::ast::{AssignOp, Statement};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::lexer::{tokenize, TokenKind};
use crate::span::SourceId;

/// Parse a code string of assignments. Blank lines, comments and empty statements (`;;`) are
/// allowed; every bad statement is reported, each parse resuming at the next statement.
pub fn parse_statements(text: &str, src: SourceId) -> Result<Vec<Statement>, Diagnostics> {
    let (tokens, mut diagnostics) = tokenize(text, src);
    let mut parser = Parser::new(tokens, None);
    parser.statement_mode = true;
    let mut statements = Vec::new();
    loop {
        while matches!(
            parser.peek_kind(),
            TokenKind::Newline | TokenKind::Semicolon
        ) {
            parser.bump();
        }
        if parser.at(&TokenKind::Eof) {
            break;
        }
        match parser.statement() {
            Ok(s) => statements.push(s),
            Err(fail) => {
                fail.report(&mut diagnostics);
                while !parser.at_stop() {
                    parser.bump();
                }
            }
        }
    }
    if diagnostics.is_empty() {
        Ok(statements)
    } else {
        Err(sorted(diagnostics))
    }
}

impl Parser {
    fn statement(&mut self) -> PResult<Statement> {
        let target = self.peek().clone();
        let TokenKind::Name(name) = &target.kind else {
            let found = self.describe_current();
            return Err(self.error_here(
                "syntax::expected_statement",
                format!("expected a statement such as `v = 0*mV`, found {found}"),
                "a statement starts with the name of the variable it assigns",
            ));
        };
        self.bump();
        let op = match self.peek_kind() {
            TokenKind::Assign => AssignOp::Set,
            TokenKind::PlusAssign => AssignOp::Add,
            TokenKind::MinusAssign => AssignOp::Sub,
            TokenKind::StarAssign => AssignOp::Mul,
            TokenKind::SlashAssign => AssignOp::Div,
            TokenKind::EqEq => {
                return Err(Fail(Some(
                    Diagnostic::error(
                        "syntax::comparison_as_assignment",
                        format!("`==` compares values; it cannot assign to `{name}`"),
                    )
                    .with_primary(self.peek().span, "comparison, not assignment")
                    .with_help(format!("use `=` to assign: `{name} = ...`")),
                )));
            }
            _ => {
                let found = self.describe_current();
                return Err(Fail(Some(
                    Diagnostic::error(
                        "syntax::expected_assignment",
                        format!(
                            "expected `=`, `+=`, `-=`, `*=` or `/=` after `{name}`, found {found}"
                        ),
                    )
                    .with_primary(
                        self.peek().span,
                        "expected an assignment operator before this",
                    )
                    .with_secondary(target.span, "the assigned variable"),
                )));
            }
        };
        self.bump();
        let value = self.expr()?;
        self.expect_end("after the statement")?;
        Ok(Statement {
            target: name.clone(),
            target_span: target.span,
            op,
            span: target.span.to(value.span),
            value,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::ExprKind;

    fn codes(text: &str) -> Vec<&'static str> {
        parse_statements(text, SourceId(0))
            .unwrap_err()
            .iter()
            .map(|d| d.code)
            .collect()
    }

    #[test]
    fn several_statements() {
        let s = parse_statements(
            "v = vr; w += b\n\n# comment\n x -= 1 # why\n;y *= 2; z /= 3;",
            SourceId(0),
        )
        .unwrap();
        let summary: Vec<_> = s.iter().map(|s| (s.target.as_str(), s.op)).collect();
        assert_eq!(
            summary,
            vec![
                ("v", AssignOp::Set),
                ("w", AssignOp::Add),
                ("x", AssignOp::Sub),
                ("y", AssignOp::Mul),
                ("z", AssignOp::Div)
            ]
        );
        assert_eq!(s[0].value.kind, ExprKind::Name("vr".into()));
        assert_eq!(s[1].span.range(), 8..14);
        assert_eq!(s[1].target_span.range(), 8..9);
    }

    #[test]
    fn empty_code_is_no_statements() {
        assert_eq!(parse_statements("", SourceId(0)).unwrap(), vec![]);
        assert_eq!(
            parse_statements("\n # only a comment\n", SourceId(0)).unwrap(),
            vec![]
        );
    }

    #[test]
    fn continued_lines() {
        let s = parse_statements("v = (a +\n b)\nw = c + \\\n d", SourceId(0)).unwrap();
        assert_eq!(s.len(), 2);
    }

    #[test]
    fn errors_are_all_reported() {
        assert_eq!(codes("v == vr"), vec!["syntax::comparison_as_assignment"]);
        assert_eq!(codes("v vr"), vec!["syntax::expected_assignment"]);
        assert_eq!(codes("3 = v"), vec!["syntax::expected_statement"]);
        assert_eq!(
            codes("v = ; w vr\nx = 1 +"),
            vec![
                "syntax::unexpected_token",
                "syntax::expected_assignment",
                "syntax::trailing_operator"
            ]
        );
        assert_eq!(codes("v = 1 2"), vec!["syntax::unexpected_token"]);
    }
}
