//! Float formatting as Python and numpy print it, so quantities read exactly as in Brian2.

/// Shortest round-trip digits of `|x|` (finite, non-zero) and the decimal exponent of the
/// first digit: 0.00123 is `("123", -3)`.
fn shortest_digits(x: f64) -> (String, i32) {
    split_scientific(&format!("{:e}", x.abs()))
}

/// Split Rust's `1.2345e-5` form into `("12345", -5)`.
fn split_scientific(s: &str) -> (String, i32) {
    let (mantissa, exp) = s
        .split_once('e')
        .expect("scientific format has an exponent");
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    (digits, exp.parse().expect("exponent is an integer"))
}

fn sign(x: f64) -> &'static str {
    if x.is_sign_negative() {
        "-"
    } else {
        ""
    }
}

fn non_finite(x: f64) -> Option<String> {
    if x.is_nan() {
        Some("nan".into())
    } else if x.is_infinite() {
        Some(format!("{}inf", sign(x)))
    } else {
        None
    }
}

/// Digits placed around a decimal point: `("123", -3)` is `0.00123`, `("3", 0)` is `3` with
/// an empty fraction. Returns the integer and fraction parts.
fn positional_parts(digits: &str, exp: i32) -> (String, String) {
    if exp < 0 {
        let zeros = "0".repeat((-exp - 1) as usize);
        ("0".into(), format!("{zeros}{digits}"))
    } else {
        let int_len = exp as usize + 1;
        if digits.len() <= int_len {
            let pad = "0".repeat(int_len - digits.len());
            (format!("{digits}{pad}"), String::new())
        } else {
            (digits[..int_len].into(), digits[int_len..].into())
        }
    }
}

fn exponent_suffix(exp: i32) -> String {
    let sign = if exp < 0 { '-' } else { '+' };
    format!("e{sign}{:02}", exp.unsigned_abs())
}

/// Python's `repr(float)`: `3.0`, `0.0001`, `1e-05`, `1.5e+300`, `123456789.0`.
pub fn python_float_repr(x: f64) -> String {
    if let Some(s) = non_finite(x) {
        return s;
    }
    if x == 0.0 {
        return format!("{}0.0", sign(x));
    }
    let (digits, exp) = shortest_digits(x);
    if (-4..16).contains(&exp) {
        let (int, frac) = positional_parts(&digits, exp);
        let frac = if frac.is_empty() { "0".into() } else { frac };
        format!("{}{int}.{frac}", sign(x))
    } else {
        let rest = if digits.len() > 1 {
            format!(".{}", &digits[1..])
        } else {
            String::new()
        };
        format!("{}{}{rest}{}", sign(x), &digits[..1], exponent_suffix(exp))
    }
}

/// Most digits after the point numpy prints by default (`np.get_printoptions()['precision']`).
pub const NUMPY_PRECISION: usize = 8;

/// How numpy prints one float inside an array with default print options (what Brian2 shows
/// in `str(3*mV)`): shortest round-trip digits but at most 8 after the point, a bare point
/// for integral values (`3.`), and scientific notation outside [1e-4, 1e8) (`1.e-05`).
pub fn numpy_float_str(x: f64) -> String {
    numpy_float_str_with_precision(x, NUMPY_PRECISION)
}

/// [`numpy_float_str`] with another precision (Brian2's `in_unit(x, u, precision)`).
pub fn numpy_float_str_with_precision(x: f64, precision: usize) -> String {
    if let Some(s) = non_finite(x) {
        return s;
    }
    if x == 0.0 {
        return format!("{}0.", sign(x));
    }
    let a = x.abs();
    let (digits, exp) = shortest_digits(x);
    if !(1e-4..1e8).contains(&a) {
        // Scientific: the mantissa has at most `precision` digits after its point.
        let (digits, exp) = if digits.len() - 1 > precision {
            let (d, e) = split_scientific(&format!("{a:.precision$e}"));
            (d.trim_end_matches('0').to_string(), e)
        } else {
            (digits, exp)
        };
        format!(
            "{}{}.{}{}",
            sign(x),
            &digits[..1],
            &digits[1..],
            exponent_suffix(exp)
        )
    } else {
        let (int, frac) = positional_parts(&digits, exp);
        if frac.len() > precision {
            // Round the exact binary value, as numpy's Dragon4 does, then drop zeros.
            let rounded = format!("{a:.precision$}");
            let trimmed = rounded.trim_end_matches('0');
            format!("{}{trimmed}", sign(x))
        } else {
            format!("{}{int}.{frac}", sign(x))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_repr() {
        let cases = [
            (3.0, "3.0"),
            (-3.0, "-3.0"),
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (0.5, "0.5"),
            (0.0001, "0.0001"),
            (1e-5, "1e-05"),
            (1.5e300, "1.5e+300"),
            (123456789.0, "123456789.0"),
            (1e16, "1e+16"),
            (1234567890123456.0, "1234567890123456.0"),
            (12345678901234567.0, "1.2345678901234568e+16"),
            (1.0 / 3.0, "0.3333333333333333"),
            (f64::NAN, "nan"),
            (f64::NEG_INFINITY, "-inf"),
            (5e-324, "5e-324"),
        ];
        for (x, s) in cases {
            assert_eq!(python_float_repr(x), s, "{x:?}");
        }
    }

    #[test]
    fn numpy_str() {
        // Expected values printed by numpy 2.3 (`np.array_str(np.array([x]))`).
        let cases = [
            (3.0, "3."),
            (-3.0, "-3."),
            (0.0, "0."),
            (-0.0, "-0."),
            (0.1000000049, "0.1"),
            (1.0 / 3.0, "0.33333333"),
            (2.0 / 3.0 * 1e-5, "6.66666667e-06"),
            (123456789.0, "1.23456789e+08"),
            (99999999.99, "99999999.99"),
            (1e8, "1.e+08"),
            (0.0001, "0.0001"),
            (9.999e-5, "9.999e-05"),
            (1e22, "1.e+22"),
            (1.5e300, "1.5e+300"),
            (5e-324, "5.e-324"),
            (0.123456785, "0.12345678"),
            (1.000000005, "1."),
            (9.999999999, "10."),
            (f64::NAN, "nan"),
            (f64::INFINITY, "inf"),
        ];
        for (x, s) in cases {
            assert_eq!(numpy_float_str(x), s, "{x:?}");
        }
    }

    #[test]
    fn numpy_precision() {
        assert_eq!(numpy_float_str_with_precision(123.123, 2), "123.12");
        assert_eq!(numpy_float_str_with_precision(0.025123456, 3), "0.025");
    }
}
