//! Tokens of Brian2's code strings: numbers, names, operators, keywords and newlines.
//!
//! Comments (`# ...`) are dropped, a backslash before a newline joins the lines, and newlines
//! inside parentheses are dropped (Python's implicit line joining). Every other newline becomes a
//! [`TokenKind::Newline`], which separates statements and equations. Bad characters become
//! [`TokenKind::Error`] tokens with a diagnostic, so the parser can go on and report more.

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::span::{SourceId, Span};

#[derive(Clone, Debug, PartialEq)]
pub enum TokenKind {
    /// An integer literal (`3`); Python decides: no `.` and no exponent.
    Int(i64),
    /// A float literal (`1.5`, `2.`, `.5`, `1e-3`).
    Float(f64),
    Name(String),
    True,
    False,
    And,
    Or,
    Not,
    Plus,
    Minus,
    Star,
    Slash,
    DoubleSlash,
    Percent,
    DoubleStar,
    Lt,
    Le,
    Gt,
    Ge,
    EqEq,
    NotEq,
    Assign,
    PlusAssign,
    MinusAssign,
    StarAssign,
    SlashAssign,
    LParen,
    RParen,
    Comma,
    Colon,
    Semicolon,
    Newline,
    /// Text the lexer could not read; its diagnostic has already been reported.
    Error,
    Eof,
}

impl TokenKind {
    /// How a message names this token: "`+`", "identifier `v`", "end of line".
    pub fn describe(&self) -> String {
        match self {
            TokenKind::Int(n) => format!("number `{n}`"),
            TokenKind::Float(x) => format!("number `{x:?}`"),
            TokenKind::Name(n) => format!("identifier `{n}`"),
            TokenKind::Newline => "end of line".to_string(),
            TokenKind::Eof => "end of input".to_string(),
            TokenKind::Error => "invalid text".to_string(),
            other => format!("`{}`", other.symbol()),
        }
    }

    /// The source text of fixed tokens (operators, punctuation, keywords).
    pub fn symbol(&self) -> &'static str {
        match self {
            TokenKind::True => "True",
            TokenKind::False => "False",
            TokenKind::And => "and",
            TokenKind::Or => "or",
            TokenKind::Not => "not",
            TokenKind::Plus => "+",
            TokenKind::Minus => "-",
            TokenKind::Star => "*",
            TokenKind::Slash => "/",
            TokenKind::DoubleSlash => "//",
            TokenKind::Percent => "%",
            TokenKind::DoubleStar => "**",
            TokenKind::Lt => "<",
            TokenKind::Le => "<=",
            TokenKind::Gt => ">",
            TokenKind::Ge => ">=",
            TokenKind::EqEq => "==",
            TokenKind::NotEq => "!=",
            TokenKind::Assign => "=",
            TokenKind::PlusAssign => "+=",
            TokenKind::MinusAssign => "-=",
            TokenKind::StarAssign => "*=",
            TokenKind::SlashAssign => "/=",
            TokenKind::LParen => "(",
            TokenKind::RParen => ")",
            TokenKind::Comma => ",",
            TokenKind::Colon => ":",
            TokenKind::Semicolon => ";",
            TokenKind::Newline => "\\n",
            TokenKind::Int(_)
            | TokenKind::Float(_)
            | TokenKind::Name(_)
            | TokenKind::Error
            | TokenKind::Eof => "",
        }
    }

    /// True for tokens that can end an operand (a name, a literal, a closing parenthesis).
    pub fn ends_operand(&self) -> bool {
        matches!(
            self,
            TokenKind::Int(_)
                | TokenKind::Float(_)
                | TokenKind::Name(_)
                | TokenKind::True
                | TokenKind::False
                | TokenKind::RParen
        )
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Span,
}

/// Split `text` into tokens. The list always ends with [`TokenKind::Eof`]; lexical errors are
/// returned alongside (each also left as an `Error` token in the list).
pub fn tokenize(text: &str, src: SourceId) -> (Vec<Token>, Diagnostics) {
    let mut lexer = Lexer {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        src,
        depth: 0,
        tokens: Vec::new(),
        diagnostics: Diagnostics::new(),
    };
    lexer.run();
    (lexer.tokens, lexer.diagnostics)
}

struct Lexer<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    src: SourceId,
    /// Open parentheses; newlines inside them are not statement separators.
    depth: usize,
    tokens: Vec<Token>,
    diagnostics: Diagnostics,
}

impl Lexer<'_> {
    fn peek(&self, ahead: usize) -> u8 {
        self.bytes.get(self.pos + ahead).copied().unwrap_or(0)
    }

    fn push(&mut self, kind: TokenKind, start: usize) {
        self.tokens.push(Token {
            kind,
            span: Span::new(self.src, start, self.pos),
        });
    }

    fn error(&mut self, start: usize, code: &'static str, message: String, label: &str) {
        let span = Span::new(self.src, start, self.pos);
        self.diagnostics
            .push(Diagnostic::error(code, message).with_primary(span, label));
        self.push(TokenKind::Error, start);
    }

    fn run(&mut self) {
        while self.pos < self.bytes.len() {
            let start = self.pos;
            let c = self.bytes[self.pos];
            match c {
                b' ' | b'\t' | b'\r' | b'\x0c' => self.pos += 1,
                b'\n' => {
                    self.pos += 1;
                    if self.depth == 0 {
                        self.push(TokenKind::Newline, start);
                    }
                }
                b'#' => {
                    while self.pos < self.bytes.len() && self.bytes[self.pos] != b'\n' {
                        self.pos += 1;
                    }
                }
                b'\\' => self.continuation(),
                b'0'..=b'9' => self.number(),
                b'.' if self.peek(1).is_ascii_digit() => self.number(),
                b'a'..=b'z' | b'A'..=b'Z' | b'_' => self.word(),
                _ => self.operator(c),
            }
        }
        let end = self.bytes.len();
        self.tokens.push(Token {
            kind: TokenKind::Eof,
            span: Span::new(self.src, end, end),
        });
    }

    /// A backslash must be the last character of its line (spaces before a comment allowed
    /// by neither Python nor us).
    fn continuation(&mut self) {
        let start = self.pos;
        self.pos += 1;
        if self.peek(0) == b'\r' && self.peek(1) == b'\n' {
            self.pos += 2;
        } else if self.peek(0) == b'\n' {
            self.pos += 1;
        } else if self.pos >= self.bytes.len() {
            self.error(
                start,
                "syntax::unexpected_character",
                "line continuation at end of input".to_string(),
                "nothing follows this backslash",
            );
        } else {
            self.error(
                start,
                "syntax::unexpected_character",
                "unexpected character `\\`".to_string(),
                "a backslash continues a line only as the line's last character",
            );
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while self.peek(0).is_ascii_digit() {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) {
        let start = self.pos;
        let int_digits = self.digits();
        let mut is_float = false;
        if self.peek(0) == b'.' {
            is_float = true;
            self.pos += 1;
            let frac_digits = self.digits();
            if int_digits == 0 && frac_digits == 0 {
                // Unreachable through `run` (a lone `.` is not a number), kept for safety.
                self.error(
                    start,
                    "syntax::invalid_number",
                    "invalid number `.`".to_string(),
                    "not a number",
                );
                return;
            }
        }
        if matches!(self.peek(0), b'e' | b'E') {
            let sign = usize::from(matches!(self.peek(1), b'+' | b'-'));
            if self.peek(1 + sign).is_ascii_digit() {
                is_float = true;
                self.pos += 1 + sign;
                self.digits();
            }
        }
        // A number running straight into letters, digits or another dot is malformed (`1e`,
        // `1.2.3`, `3abc`, `1_000`): take the whole run so the error points at all of it.
        if matches!(self.peek(0), b'a'..=b'z' | b'A'..=b'Z' | b'_' | b'.' | b'0'..=b'9') {
            while matches!(self.peek(0), b'a'..=b'z' | b'A'..=b'Z' | b'_' | b'.' | b'0'..=b'9') {
                self.pos += 1;
            }
            let text = &self.text[start..self.pos];
            self.error(
                start,
                "syntax::invalid_number",
                format!("invalid number `{text}`"),
                "not a valid number",
            );
            return;
        }
        let text = &self.text[start..self.pos];
        if is_float {
            match text.parse::<f64>() {
                Ok(x) => self.push(TokenKind::Float(x), start),
                Err(_) => self.error(
                    start,
                    "syntax::invalid_number",
                    format!("invalid number `{text}`"),
                    "not a valid number",
                ),
            }
            return;
        }
        if text.len() > 1 && text.starts_with('0') && text.bytes().any(|b| b != b'0') {
            self.error(
                start,
                "syntax::invalid_number",
                format!("invalid number `{text}`"),
                "leading zeros are not allowed in integers (as in Python)",
            );
            return;
        }
        match text.parse::<i64>() {
            Ok(n) => self.push(TokenKind::Int(n), start),
            Err(_) => self.error(
                start,
                "syntax::invalid_number",
                format!("integer `{text}` is too large"),
                "does not fit in a 64-bit integer; write it as a float (`1e20`)",
            ),
        }
    }

    fn word(&mut self) {
        let start = self.pos;
        while matches!(self.peek(0), b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_') {
            self.pos += 1;
        }
        let kind = match &self.text[start..self.pos] {
            "and" => TokenKind::And,
            "or" => TokenKind::Or,
            "not" => TokenKind::Not,
            "True" | "true" => TokenKind::True,
            "False" | "false" => TokenKind::False,
            name => TokenKind::Name(name.to_string()),
        };
        self.push(kind, start);
    }

    fn operator(&mut self, c: u8) {
        let start = self.pos;
        let next = self.peek(1);
        let (kind, len) = match (c, next) {
            (b'*', b'*') => (TokenKind::DoubleStar, 2),
            (b'*', b'=') => (TokenKind::StarAssign, 2),
            (b'*', _) => (TokenKind::Star, 1),
            (b'/', b'/') => (TokenKind::DoubleSlash, 2),
            (b'/', b'=') => (TokenKind::SlashAssign, 2),
            (b'/', _) => (TokenKind::Slash, 1),
            (b'+', b'=') => (TokenKind::PlusAssign, 2),
            (b'+', _) => (TokenKind::Plus, 1),
            (b'-', b'=') => (TokenKind::MinusAssign, 2),
            (b'-', _) => (TokenKind::Minus, 1),
            (b'%', _) => (TokenKind::Percent, 1),
            (b'<', b'=') => (TokenKind::Le, 2),
            (b'<', _) => (TokenKind::Lt, 1),
            (b'>', b'=') => (TokenKind::Ge, 2),
            (b'>', _) => (TokenKind::Gt, 1),
            (b'=', b'=') => (TokenKind::EqEq, 2),
            (b'=', _) => (TokenKind::Assign, 1),
            (b'!', b'=') => (TokenKind::NotEq, 2),
            (b'(', _) => (TokenKind::LParen, 1),
            (b')', _) => (TokenKind::RParen, 1),
            (b',', _) => (TokenKind::Comma, 1),
            (b':', _) => (TokenKind::Colon, 1),
            (b';', _) => (TokenKind::Semicolon, 1),
            _ => return self.unexpected_character(),
        };
        self.pos += len;
        match kind {
            TokenKind::LParen => self.depth += 1,
            TokenKind::RParen => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
        self.push(kind, start);
    }

    fn unexpected_character(&mut self) {
        let start = self.pos;
        let ch = self.text[start..].chars().next().unwrap_or('?');
        self.pos += ch.len_utf8();
        let hint = match ch {
            '^' => "use `**` for powers",
            '&' => "use `and` for logical and",
            '|' => "use `or` for logical or",
            '!' => "use `not` for logical negation",
            '[' | ']' | '{' | '}' => "brackets and braces are not part of the model language",
            _ if !ch.is_ascii() => "only ASCII characters are allowed in code strings",
            _ => "not allowed here",
        };
        self.error(
            start,
            "syntax::unexpected_character",
            format!("unexpected character `{}`", ch.escape_debug()),
            hint,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<TokenKind> {
        let (tokens, diags) = tokenize(text, SourceId(0));
        assert!(diags.is_empty(), "{diags:?}");
        tokens.into_iter().map(|t| t.kind).collect()
    }

    fn name(n: &str) -> TokenKind {
        TokenKind::Name(n.to_string())
    }

    #[test]
    fn numbers_follow_python() {
        use TokenKind::*;
        assert_eq!(kinds("1"), vec![Int(1), Eof]);
        assert_eq!(kinds("1.5"), vec![Float(1.5), Eof]);
        assert_eq!(kinds("2."), vec![Float(2.0), Eof]);
        assert_eq!(kinds(".5"), vec![Float(0.5), Eof]);
        assert_eq!(kinds("1e-3"), vec![Float(1e-3), Eof]);
        assert_eq!(kinds("1E+3"), vec![Float(1000.0), Eof]);
        assert_eq!(kinds("1.e3"), vec![Float(1000.0), Eof]);
        assert_eq!(kinds("0"), vec![Int(0), Eof]);
        assert_eq!(kinds("00"), vec![Int(0), Eof]);
    }

    #[test]
    fn operators_longest_match() {
        use TokenKind::*;
        assert_eq!(
            kinds("a//b%c**d"),
            vec![
                name("a"),
                DoubleSlash,
                name("b"),
                Percent,
                name("c"),
                DoubleStar,
                name("d"),
                Eof
            ]
        );
        assert_eq!(
            kinds("< <= > >= == != = += -= *= /="),
            vec![
                Lt,
                Le,
                Gt,
                Ge,
                EqEq,
                NotEq,
                Assign,
                PlusAssign,
                MinusAssign,
                StarAssign,
                SlashAssign,
                Eof
            ]
        );
        assert_eq!(
            kinds("f(a, b): c; d"),
            vec![
                name("f"),
                LParen,
                name("a"),
                Comma,
                name("b"),
                RParen,
                Colon,
                name("c"),
                Semicolon,
                name("d"),
                Eof
            ]
        );
    }

    #[test]
    fn keywords_and_booleans() {
        use TokenKind::*;
        assert_eq!(
            kinds("not a and b or True or false or true or False"),
            vec![
                Not,
                name("a"),
                And,
                name("b"),
                Or,
                True,
                Or,
                False,
                Or,
                True,
                Or,
                False,
                Eof
            ]
        );
        assert_eq!(kinds("android"), vec![name("android"), Eof]);
    }

    #[test]
    fn comments_continuations_and_newlines() {
        use TokenKind::*;
        assert_eq!(
            kinds("a # comment\nb"),
            vec![name("a"), Newline, name("b"), Eof]
        );
        assert_eq!(kinds("a + \\\n b"), vec![name("a"), Plus, name("b"), Eof]);
        assert_eq!(
            kinds("(a +\n b)\nc"),
            vec![
                LParen,
                name("a"),
                Plus,
                name("b"),
                RParen,
                Newline,
                name("c"),
                Eof
            ]
        );
    }

    #[test]
    fn spans_are_byte_ranges() {
        let (tokens, _) = tokenize("v  += 1.5", SourceId(3));
        let spans: Vec<_> = tokens.iter().map(|t| (t.span.start, t.span.end)).collect();
        assert_eq!(spans, vec![(0, 1), (3, 5), (6, 9), (9, 9)]);
        assert!(tokens.iter().all(|t| t.span.src == SourceId(3)));
    }

    #[test]
    fn errors_are_reported_and_lexing_goes_on() {
        let (tokens, diags) = tokenize("a $ b ^ 1.2.3 1e 07", SourceId(0));
        let codes: Vec<_> = diags.iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            vec![
                "syntax::unexpected_character",
                "syntax::unexpected_character",
                "syntax::invalid_number",
                "syntax::invalid_number",
                "syntax::invalid_number"
            ]
        );
        assert_eq!(tokens.len(), 8);
        let bad: Vec<_> = diags.iter().map(|d| d.labels[0].span.range()).collect();
        assert_eq!(bad, vec![2..3, 6..7, 8..13, 14..16, 17..19]);
    }

    #[test]
    fn huge_integer_is_an_error_not_a_panic() {
        let (_, diags) = tokenize("123456789012345678901234567890", SourceId(0));
        assert_eq!(diags.0[0].code, "syntax::invalid_number");
    }

    #[test]
    fn stray_backslash() {
        let (_, diags) = tokenize("a \\ b", SourceId(0));
        assert_eq!(diags.0[0].code, "syntax::unexpected_character");
        let (_, diags) = tokenize("a \\", SourceId(0));
        assert_eq!(diags.0[0].code, "syntax::unexpected_character");
    }

    #[test]
    fn non_ascii_does_not_panic() {
        let (_, diags) = tokenize("τ = 1", SourceId(0));
        assert_eq!(diags.0[0].labels[0].span.range(), 0..2);
    }
}
