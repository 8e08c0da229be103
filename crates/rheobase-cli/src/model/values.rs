//! Values in a model file: quantities written as `"10 ms"`, `"10*ms"`, `"2*tau"` or plain
//! numbers, evaluated with Brian2's unit names and the file's constants.

use rheobase::units::{Dimension, Quantity};
use std::collections::HashMap;

/// Evaluates a quantity: a TOML number (dimensionless) or a string. A string may be an
/// expression of numbers, units and constants (`"2*tau"`, `"1*ufarad/cm**2"`) or a number
/// followed by a unit expression after a space (`"10 ms"`, `"-70 mV"`, `"1 ufarad/cm**2"`).
pub fn quantity(
    value: &toml::Value,
    names: &HashMap<String, Quantity>,
) -> Result<Quantity, String> {
    match value {
        toml::Value::Integer(i) => Ok(Quantity::dimensionless(*i as f64)),
        toml::Value::Float(x) => Ok(Quantity::dimensionless(*x)),
        toml::Value::String(text) => quantity_text(text, names),
        other => Err(format!(
            "expected a number or a quantity string such as \"10 ms\", found {}",
            kind(other)
        )),
    }
}

/// [`quantity`] for a string.
pub fn quantity_text(text: &str, names: &HashMap<String, Quantity>) -> Result<Quantity, String> {
    let direct = rheobase::q_with(text, names);
    if let Ok(q) = direct {
        return Ok(q);
    }
    if let Some(spaced) = number_then_unit(text) {
        // "10 ms": the unit part's error says more than the whole text's.
        return rheobase::q_with(&spaced, names).map_err(|e| e.message);
    }
    Err(direct.err().map(|e| e.message).unwrap_or_default())
}

/// `"10 ms"` as `"10*(ms)"`: a leading number, whitespace, then the rest.
fn number_then_unit(text: &str) -> Option<String> {
    let text = text.trim();
    let split = text.find(char::is_whitespace)?;
    let (number, rest) = text.split_at(split);
    number.parse::<f64>().ok()?;
    let rest = rest.trim();
    (!rest.is_empty()).then(|| format!("{number}*({rest})"))
}

/// A quantity of the given dimension (`what` names it in the message).
pub fn quantity_of(
    value: &toml::Value,
    names: &HashMap<String, Quantity>,
    dim: Dimension,
    what: &str,
) -> Result<f64, String> {
    let q = quantity(value, names)?;
    if q.dim != dim {
        let unit = if dim.is_dimensionless() {
            "no unit".to_string()
        } else {
            format!("a quantity in {dim}")
        };
        return Err(format!("{what} must be {unit}, found {q}"));
    }
    Ok(q.value)
}

/// A duration in seconds, positive and finite.
pub fn duration(value: &toml::Value, names: &HashMap<String, Quantity>) -> Result<f64, String> {
    let second = rheobase::units::lookup_unit("second")
        .expect("second is a unit")
        .dim;
    let t = quantity_of(value, names, second, "a duration")?;
    if !(t.is_finite() && t >= 0.0) {
        return Err(format!(
            "a duration must be finite and not negative, found {t} s"
        ));
    }
    Ok(t)
}

/// A count (a non-negative integer, or a dimensionless constant that is one).
pub fn count(value: &toml::Value, names: &HashMap<String, Quantity>) -> Result<usize, String> {
    let q = quantity(value, names)?;
    let x = q.value;
    if !q.dim.is_dimensionless() || x < 0.0 || x.fract() != 0.0 || x > u32::MAX as f64 {
        return Err(format!("expected a non-negative whole number, found {q}"));
    }
    Ok(x as usize)
}

/// A TOML value's kind, for messages.
pub fn kind(value: &toml::Value) -> &'static str {
    match value {
        toml::Value::String(_) => "a string",
        toml::Value::Integer(_) => "an integer",
        toml::Value::Float(_) => "a float",
        toml::Value::Boolean(_) => "a boolean",
        toml::Value::Datetime(_) => "a date",
        toml::Value::Array(_) => "an array",
        toml::Value::Table(_) => "a table",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> HashMap<String, Quantity> {
        let mut n = HashMap::new();
        n.insert("tau".to_string(), rheobase::q("10*ms").unwrap());
        n
    }

    #[test]
    fn quantities_in_every_written_form() {
        let n = names();
        let ms = |s: &str| quantity(&toml::Value::String(s.into()), &n).unwrap();
        assert!((ms("10 ms").value - 0.01).abs() < 1e-15);
        assert!((ms("10*ms").value - 0.01).abs() < 1e-15);
        assert!((ms("-70 mV").value + 0.07).abs() < 1e-15);
        assert!((ms("2*tau").value - 0.02).abs() < 1e-15);
        assert!((ms("1 ufarad/cm**2").value - 0.01).abs() < 1e-15);
        assert_eq!(quantity(&toml::Value::Integer(3), &n).unwrap().value, 3.0);
    }

    #[test]
    fn bad_quantities_are_errors() {
        let n = names();
        let bad = |s: &str| quantity(&toml::Value::String(s.into()), &n).is_err();
        assert!(bad("10 parsecs"));
        assert!(bad("10 ms + 1 mV"));
        assert!(bad("v > 1"));
        assert!(quantity(&toml::Value::Boolean(true), &n).is_err());
        assert!(duration(&toml::Value::String("5 mV".into()), &n).is_err());
        assert!(count(&toml::Value::Float(2.5), &n).is_err());
        assert_eq!(count(&toml::Value::Integer(4000), &n).unwrap(), 4000);
    }
}
