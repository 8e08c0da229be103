//! The unit part of an equation (`: volt`, `: siemens/metre**2`, `: 1`, `: boolean`).
//!
//! As in Brian2 2.9, the unit only gives a dimension and a type, and may use only units of scale
//! one ("base units": `volt`, `siemens`, `metre`, `kilogram`, `hertz`, ...). `: mV` is rejected
//! with a hint to write `volt`, exactly as Brian2 rejects it; numbers may appear only as
//! exponents and as the `1` of `1/second`.

use crate::ast::{BinOp, Expr, ExprKind, UnOp, UnitSpec, VarType};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::lexer::{tokenize, Token, TokenKind};
use crate::parser::{Fail, Parser};
use crate::span::{SourceId, Span};
use rheobase_units::{lookup_unit, unit_entry, Dimension, Ratio};

/// Named units of scale one, in the order they are suggested for a dimension.
const NAMED_BASE_UNITS: &[&str] = &[
    "volt", "amp", "second", "metre", "kilogram", "siemens", "ohm", "farad", "hertz", "coulomb",
    "newton", "joule", "watt", "pascal", "tesla", "weber", "henry", "kelvin", "mole", "candle",
];

/// SI base unit names in the order of [`Dimension`]'s exponents.
const SI_BASE_NAMES: [&str; 7] = [
    "metre", "kilogram", "second", "amp", "kelvin", "mole", "candle",
];

/// Parse a unit specification on its own (as written after `:` in an equation).
pub fn parse_unit(text: &str, src: SourceId) -> Result<UnitSpec, Diagnostics> {
    let (tokens, mut diagnostics) = tokenize(text, src);
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    let (end, body) = tokens.split_last().expect("tokenize ends with Eof");
    let body: Vec<Token> = body
        .iter()
        .filter(|t| t.kind != TokenKind::Newline)
        .cloned()
        .collect();
    match unit_from_tokens(&body, end) {
        Ok(spec) => Ok(spec),
        Err(fail) => {
            fail.report(&mut diagnostics);
            Err(diagnostics)
        }
    }
}

/// The unit written as `tokens` (non-empty), followed by `end`.
pub(crate) fn unit_from_tokens(tokens: &[Token], end: &Token) -> Result<UnitSpec, Fail> {
    let span = match (tokens.first(), tokens.last()) {
        (Some(a), Some(b)) => a.span.to(b.span),
        _ => end.span,
    };
    if let [single] = tokens {
        let special = match &single.kind {
            TokenKind::Int(1) => Some(VarType::Float),
            TokenKind::Name(n) if n == "boolean" => Some(VarType::Boolean),
            TokenKind::Name(n) if n == "integer" => Some(VarType::Integer),
            TokenKind::Name(n) if n == "bool" => {
                return Err(Fail::from(
                    Diagnostic::error("units::invalid_unit", "`bool` is not a unit specification")
                        .with_primary(span, "write `boolean` here")
                        .with_help("boolean variables are declared with `: boolean`"),
                ))
            }
            _ => None,
        };
        if let Some(vtype) = special {
            return Ok(UnitSpec {
                dim: Dimension::DIMENSIONLESS,
                vtype,
                span,
            });
        }
    }
    let mut parser = Parser::over(tokens, end);
    let expr = parser.expr()?;
    parser.expect_end("in the unit")?;
    let dim = evaluate_unit(&expr)?;
    Ok(UnitSpec {
        dim,
        vtype: VarType::Float,
        span,
    })
}

/// A partly evaluated unit expression: a unit of scale one, or a plain number.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Value {
    Unit(Dimension),
    Number(f64),
}

/// The dimension of a unit expression such as `siemens/metre**2` or `second**-0.5`.
pub fn evaluate_unit(expr: &Expr) -> Result<Dimension, Diagnostic> {
    match eval(expr)? {
        Value::Unit(dim) => Ok(dim),
        Value::Number(x) => Err(Diagnostic::error(
            "units::invalid_unit",
            format!("`{x}` is a number, not a unit"),
        )
        .with_primary(expr.span, "not a unit")
        .with_help("write exactly `1` for a dimensionless variable")),
    }
}

fn invalid(span: Span, message: impl Into<String>, label: &str) -> Diagnostic {
    Diagnostic::error("units::invalid_unit", message)
        .with_primary(span, label)
        .with_help("a unit is a product of powers of units, e.g. `siemens/metre**2` or `1/second`")
}

fn eval(expr: &Expr) -> Result<Value, Diagnostic> {
    match &expr.kind {
        ExprKind::Int(n) => Ok(Value::Number(*n as f64)),
        ExprKind::Float(x) => Ok(Value::Number(*x)),
        ExprKind::Name(name) => named_unit(name, expr.span).map(Value::Unit),
        ExprKind::Unary(UnOp::Neg, a) => match eval(a)? {
            Value::Number(x) => Ok(Value::Number(-x)),
            Value::Unit(_) => Err(invalid(
                expr.span,
                "a unit cannot be negated",
                "negated unit",
            )),
        },
        ExprKind::Unary(UnOp::Pos, a) => eval(a),
        ExprKind::Binary(op @ (BinOp::Mul | BinOp::Div), a, b) => {
            let (x, y) = (eval(a)?, eval(b)?);
            let div = *op == BinOp::Div;
            match (x, y) {
                (Value::Number(p), Value::Number(q)) => {
                    Ok(Value::Number(if div { p / q } else { p * q }))
                }
                (Value::Unit(u), Value::Unit(v)) => {
                    Ok(Value::Unit(if div { u.div(&v) } else { u.mul(&v) }))
                }
                (Value::Number(_), Value::Unit(u)) => {
                    unit_factor(a)?;
                    Ok(Value::Unit(if div { u.inv() } else { u }))
                }
                (Value::Unit(u), Value::Number(_)) => {
                    unit_factor(b)?;
                    Ok(Value::Unit(u))
                }
            }
        }
        ExprKind::Binary(BinOp::Pow, a, b) => {
            let exponent = match eval(b)? {
                Value::Number(p) => p,
                Value::Unit(_) => {
                    return Err(invalid(
                        b.span,
                        "an exponent must be a number",
                        "not a number",
                    ))
                }
            };
            match eval(a)? {
                Value::Number(x) => Ok(Value::Number(x.powf(exponent))),
                Value::Unit(u) => match Ratio::from_f64(exponent) {
                    Some(r) if u.exponents().iter().all(|e| e.checked_mul(r).is_some()) => {
                        Ok(Value::Unit(u.pow(r)))
                    }
                    _ => Err(invalid(
                        b.span,
                        format!("cannot raise a unit to the power {exponent}"),
                        "exponent must be a simple fraction",
                    )),
                },
            }
        }
        ExprKind::Binary(op, ..) => Err(invalid(
            expr.span,
            format!("`{}` cannot be used in a unit", op.symbol()),
            "not a product of units",
        )),
        ExprKind::Unary(UnOp::Not, _) | ExprKind::Bool(_) => {
            Err(invalid(expr.span, "not a unit", "not a unit"))
        }
        ExprKind::Call { name, .. } => Err(invalid(
            expr.span,
            format!("function `{name}` cannot be used in a unit"),
            "not a unit",
        )),
    }
}

/// A number multiplying a unit must be the integer `1`: `2*volt` and `1.0*volt` are quantities.
fn unit_factor(number: &Expr) -> Result<(), Diagnostic> {
    if number.kind == ExprKind::Int(1) {
        return Ok(());
    }
    let number_span = number.span;
    Err(Diagnostic::error(
        "units::invalid_unit",
        "the unit specification is a quantity, not a unit",
    )
    .with_primary(number_span, "this number makes it a quantity")
    .with_help("only units are allowed here, e.g. `siemens/metre**2`, not `2*siemens/metre**2`"))
}

/// A unit name usable in an equation: known, of scale one, and not a power alias (`metre2`).
fn named_unit(name: &str, span: Span) -> Result<Dimension, Diagnostic> {
    // Only Brian2's `DEFAULT_UNITS` are known in equations; physical constants (`k_B`) are not
    // units at all.
    let Some(entry) = unit_entry(name).filter(|e| e.in_equations) else {
        let help = match closest_unit_name(name) {
            Some(close) => format!("did you mean `{close}`?"),
            None => "use a unit of scale one such as `volt`, `amp`, `second`, `siemens`, \
                     `metre`, `farad`, `hertz`, or `1` for a dimensionless variable"
                .to_string(),
        };
        return Err(
            Diagnostic::error("units::unknown_unit", format!("unknown unit `{name}`"))
                .with_primary(span, "not a unit name")
                .with_help(help),
        );
    };
    // Brian2 2.9 allows units of scale one whose canonical name is not a power (`metre2`).
    let power_alias = entry.canonical.ends_with('2') || entry.canonical.ends_with('3');
    if entry.exponent == 0 && !power_alias {
        return Ok(entry.dim);
    }
    let unit = entry;
    let suggestion = base_unit_name(&unit.dim);
    let why = if power_alias {
        format!("`{name}` is a power of a unit")
    } else {
        format!("`{name}` is {} {suggestion}", format_scale(unit.scale))
    };
    Err(Diagnostic::error(
        "units::not_base_unit",
        format!("`{name}` is not a base unit; the unit of a variable gives only its dimension"),
    )
    .with_primary(span, format!("use `{suggestion}` instead"))
    .with_help(format!(
        "{why}; declare the variable with the unit of scale one, `{suggestion}`, \
         and write values as `-70*{name}`"
    )))
}

/// `0.001`, `1e-9`: short enough to read in a help line.
fn format_scale(scale: f64) -> String {
    if (1e-3..=1e4).contains(&scale.abs()) {
        format!("{scale}")
    } else {
        format!("{scale:e}")
    }
}

/// A base unit name within two edits of `name` (`siemenz` -> `siemens`), if one is known.
fn closest_unit_name(name: &str) -> Option<&'static str> {
    const EXTRA: &[&str] = &[
        "meter",
        "ampere",
        "mol",
        "candela",
        "radian",
        "steradian",
        "lumen",
        "lux",
        "becquerel",
        "gray",
        "sievert",
        "katal",
        "boolean",
        "integer",
    ];
    NAMED_BASE_UNITS
        .iter()
        .chain(EXTRA)
        .map(|candidate| (edit_distance(name, candidate), *candidate))
        .filter(|(d, _)| *d <= 2 && *d < name.len())
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Levenshtein distance between two short ASCII words.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

/// The name to suggest for a dimension: a named unit of scale one, else a product of SI base
/// units such as `metre**2*kilogram`.
pub fn base_unit_name(dim: &Dimension) -> String {
    if dim.is_dimensionless() {
        return "1".to_string();
    }
    for name in NAMED_BASE_UNITS {
        if let Some(u) = lookup_unit(name) {
            if u.scale == 1.0 && u.dim == *dim {
                return name.to_string();
            }
        }
    }
    let mut numerator = Vec::new();
    let mut denominator = Vec::new();
    for (name, e) in SI_BASE_NAMES.iter().zip(dim.exponents()) {
        let (list, e) = if e.numer() < 0 {
            (&mut denominator, -*e)
        } else {
            (&mut numerator, *e)
        };
        if e.is_zero() {
            continue;
        }
        list.push(if e == Ratio::ONE {
            name.to_string()
        } else if e.is_integer() || matches!(e.denom(), 2 | 4 | 5 | 8 | 10) {
            format!("{name}**{e}")
        } else {
            format!("{name}**({}/{})", e.numer(), e.denom())
        });
    }
    let top = if numerator.is_empty() {
        "1".to_string()
    } else {
        numerator.join("*")
    };
    match denominator.len() {
        0 => top,
        1 => format!("{top}/{}", denominator[0]),
        _ => format!("{top}/({})", denominator.join("*")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dim(text: &str) -> Dimension {
        parse_unit(text, SourceId(0))
            .unwrap_or_else(|d| panic!("{text}: {d:?}"))
            .dim
    }

    fn err(text: &str) -> &'static str {
        parse_unit(text, SourceId(0)).unwrap_err().0[0].code
    }

    const VOLT: Dimension = Dimension::from_ints([2, 1, -3, -1, 0, 0, 0]);
    const SECOND: Dimension = Dimension::from_ints([0, 0, 1, 0, 0, 0, 0]);
    const AMP: Dimension = Dimension::from_ints([0, 0, 0, 1, 0, 0, 0]);

    #[test]
    fn special_units() {
        let one = parse_unit("1", SourceId(0)).unwrap();
        assert_eq!(
            (one.dim, one.vtype),
            (Dimension::DIMENSIONLESS, VarType::Float)
        );
        assert_eq!(
            parse_unit("boolean", SourceId(0)).unwrap().vtype,
            VarType::Boolean
        );
        assert_eq!(
            parse_unit("integer", SourceId(0)).unwrap().vtype,
            VarType::Integer
        );
        assert_eq!(err("bool"), "units::invalid_unit");
    }

    #[test]
    fn unit_algebra() {
        assert_eq!(dim("volt"), VOLT);
        assert_eq!(dim("1/second"), SECOND.inv());
        assert_eq!(dim("second**-0.5"), SECOND.pow(Ratio::new(-1, 2).unwrap()));
        assert_eq!(dim("second ** -1"), SECOND.inv());
        assert_eq!(dim("amp/volt"), AMP.div(&VOLT));
        assert_eq!(
            dim("amp/second**2"),
            AMP.div(&SECOND.pow(Ratio::integer(2)))
        );
        assert_eq!(dim("1/(second*volt)"), SECOND.mul(&VOLT).inv());
        assert_eq!(dim("volt*amp/volt"), AMP);
        assert_eq!(dim("second**(1/2)"), SECOND.sqrt());
    }

    #[test]
    fn full_registry_units() {
        let siemens = Dimension::from_ints([-2, -1, 3, 2, 0, 0, 0]);
        let metre = Dimension::from_ints([1, 0, 0, 0, 0, 0, 0]);
        assert_eq!(
            dim("siemens/meter**2"),
            siemens.div(&metre.pow(Ratio::integer(2)))
        );
        assert_eq!(dim("amp/metre**2"), AMP.div(&metre.pow(Ratio::integer(2))));
        assert_eq!(dim("metre**-1"), metre.inv());
        assert_eq!(dim("Hz"), SECOND.inv());
        assert_eq!(dim("hertz"), SECOND.inv());
        assert_eq!(dim("kilogram"), Dimension::from_ints([0, 1, 0, 0, 0, 0, 0]));
        // 1 mmolar is exactly 1 mol/m**3, so Brian2 accepts it.
        assert_eq!(dim("mmolar"), Dimension::from_ints([-3, 0, 0, 0, 0, 1, 0]));
        // `V` is only how Brian2 prints volt, not a name it knows.
        assert_eq!(err("V"), "units::unknown_unit");
        assert_eq!(dim("farad/ohm"), dim("farad").div(&dim("ohm")));
        assert_eq!(err("nS"), "units::not_base_unit");
        assert_eq!(err("metre2"), "units::not_base_unit");
        assert_eq!(err("cm2"), "units::not_base_unit");
        assert_eq!(err("gram"), "units::not_base_unit");
        // A physical constant is not a unit.
        assert_eq!(err("k_B"), "units::unknown_unit");
        let gram = &parse_unit("gram", SourceId(0)).unwrap_err().0[0];
        assert_eq!(gram.labels[0].message, "use `kilogram` instead");
        let squared = &parse_unit("metre2", SourceId(0)).unwrap_err().0[0];
        assert_eq!(squared.labels[0].message, "use `metre**2` instead");
    }

    #[test]
    fn unit_errors() {
        assert_eq!(err("mV"), "units::not_base_unit");
        assert_eq!(err("voltage"), "units::unknown_unit");
        assert_eq!(err("2*volt"), "units::invalid_unit");
        assert_eq!(err("1.0*volt"), "units::invalid_unit");
        assert_eq!(err("volt + amp"), "units::invalid_unit");
        assert_eq!(err("volt**volt"), "units::invalid_unit");
        assert_eq!(err("2"), "units::invalid_unit");
        assert_eq!(err("1.0"), "units::invalid_unit");
        assert_eq!(err("1/1"), "units::invalid_unit");
        assert_eq!(err("exp(volt)"), "units::invalid_unit");
        assert_eq!(err("volt second"), "syntax::unexpected_token");
        assert_eq!(err("volt**0.123456789"), "units::invalid_unit");
    }

    #[test]
    fn suggestions() {
        assert_eq!(base_unit_name(&VOLT), "volt");
        assert_eq!(closest_unit_name("siemenz"), Some("siemens"));
        assert_eq!(closest_unit_name("voltage"), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(format_scale(1e-9), "1e-9");
        assert_eq!(format_scale(0.001), "0.001");
        assert_eq!(base_unit_name(&Dimension::DIMENSIONLESS), "1");
        let msg = &parse_unit("mV", SourceId(0)).unwrap_err().0[0];
        assert_eq!(msg.labels[0].message, "use `volt` instead");
        let odd = Dimension::from_ints([1, 0, -2, 1, 0, 0, 0]);
        // Until the full registry lands, this dimension may have no name of its own.
        let name = base_unit_name(&odd);
        assert!(
            name == "metre*amp/second**2" || !name.contains('^'),
            "{name}"
        );
    }
}
