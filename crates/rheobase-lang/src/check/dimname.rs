//! Names for dimensions in diagnostics, the way Brian2 users write them: `volt`, `amp`,
//! `volt/second`, `siemens/metre**2`. Falls back to the base-unit form (`m^2 kg s^-3 A^-1`).

use rheobase_units::{Dimension, Ratio};

const fn d(e: [i32; 7]) -> Dimension {
    Dimension::from_ints(e)
}

/// Named units in order of preference: an earlier name wins when two spellings have the same
/// dimension (`volt/second` rather than `amp/farad`).
const NAMED: &[(&str, Dimension)] = &[
    ("volt", d([2, 1, -3, -1, 0, 0, 0])),
    ("amp", d([0, 0, 0, 1, 0, 0, 0])),
    ("second", d([0, 0, 1, 0, 0, 0, 0])),
    ("siemens", d([-2, -1, 3, 2, 0, 0, 0])),
    ("farad", d([-2, -1, 4, 2, 0, 0, 0])),
    ("ohm", d([2, 1, -3, -2, 0, 0, 0])),
    ("metre", d([1, 0, 0, 0, 0, 0, 0])),
    ("hertz", d([0, 0, -1, 0, 0, 0, 0])),
    ("mole", d([0, 0, 0, 0, 0, 1, 0])),
    ("molar", d([-3, 0, 0, 0, 0, 1, 0])),
    ("kilogram", d([0, 1, 0, 0, 0, 0, 0])),
    ("kelvin", d([0, 0, 0, 0, 1, 0, 0])),
    ("candela", d([0, 0, 0, 0, 0, 0, 1])),
    ("coulomb", d([0, 0, 1, 1, 0, 0, 0])),
    ("joule", d([2, 1, -2, 0, 0, 0, 0])),
    ("watt", d([2, 1, -3, 0, 0, 0, 0])),
    ("newton", d([1, 1, -2, 0, 0, 0, 0])),
    ("pascal", d([-1, 1, -2, 0, 0, 0, 0])),
    ("henry", d([2, 1, -2, -2, 0, 0, 0])),
    ("weber", d([2, 1, -2, -1, 0, 0, 0])),
    ("tesla", d([0, 1, -2, -1, 0, 0, 0])),
];

/// Powers tried for a single named unit and for the second factor of a product or quotient.
const POWERS: &[(i64, i64)] = &[(2, 1), (3, 1), (1, 2), (-1, 2), (-1, 1), (-2, 1), (-3, 1)];

fn pow(dim: &Dimension, num: i64, den: i64) -> Option<Dimension> {
    let p = Ratio::new(num, den)?;
    let mut e = *dim.exponents();
    for x in e.iter_mut() {
        *x = x.checked_mul(p)?;
    }
    Some(Dimension::from_exponents(e))
}

fn power_name(name: &str, num: i64, den: i64) -> String {
    match Ratio::new(num, den) {
        Some(r) if r == Ratio::ONE => name.to_string(),
        Some(r) => format!("{name}**{r}"),
        None => name.to_string(),
    }
}

/// Every `(name, dimension)` for named units and their simple powers, most preferred first.
fn factors() -> Vec<(String, Dimension)> {
    let mut out: Vec<(String, Dimension)> =
        NAMED.iter().map(|(n, d)| (n.to_string(), *d)).collect();
    for (name, dim) in NAMED {
        // Hertz powers read badly (`hertz**2`); second powers cover them.
        if *name == "hertz" || *name == "molar" {
            continue;
        }
        for &(num, den) in POWERS {
            if let Some(p) = pow(dim, num, den) {
                out.push((power_name(name, num, den), p));
            }
        }
    }
    out
}

/// The Brian2-style name of a dimension for messages: `1` when dimensionless, a named unit
/// (`volt`), a power (`metre**2`), a product or quotient of two (`volt/second`,
/// `siemens/metre**2`), else the base-unit form.
pub fn dimension_name(dim: &Dimension) -> String {
    if dim.is_dimensionless() {
        return "1".to_string();
    }
    let all = factors();
    if let Some((n, _)) = all.iter().find(|(_, d)| d == dim) {
        return n.clone();
    }
    // The product or quotient whose factors are most preferred (lowest summed rank).
    let mut best: Option<(usize, String)> = None;
    for (i, (a_name, a)) in NAMED.iter().enumerate() {
        for (j, (b_name, b)) in all.iter().enumerate() {
            if b_name.contains("**-") || best.as_ref().is_some_and(|(r, _)| *r <= i + j) {
                continue;
            }
            if &a.div(b) == dim {
                best = Some((i + j, format!("{a_name}/{b_name}")));
            } else if &a.mul(b) == dim {
                best = Some((i + j, format!("{a_name}*{b_name}")));
            }
        }
    }
    if let Some((_, name)) = best {
        return name;
    }
    dim.base_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(n: &str) -> Dimension {
        NAMED.iter().find(|(m, _)| *m == n).unwrap().1
    }

    #[test]
    fn names_common_dimensions() {
        assert_eq!(dimension_name(&Dimension::DIMENSIONLESS), "1");
        assert_eq!(dimension_name(&named("volt")), "volt");
        assert_eq!(dimension_name(&named("amp")), "amp");
        assert_eq!(dimension_name(&named("hertz")), "hertz");
        let v_per_s = named("volt").div(&named("second"));
        assert_eq!(dimension_name(&v_per_s), "volt/second");
        let s_per_m2 = named("siemens").div(&named("metre").mul(&named("metre")));
        assert_eq!(dimension_name(&s_per_m2), "siemens/metre**2");
        let noise = pow(&named("second"), -1, 2).unwrap();
        assert_eq!(dimension_name(&noise), "second**-0.5");
        let volt2 = named("volt").mul(&named("volt"));
        assert_eq!(dimension_name(&volt2), "volt**2");
        let amp_per_s = named("amp").div(&named("second"));
        assert_eq!(dimension_name(&amp_per_s), "amp/second");
    }

    #[test]
    fn falls_back_to_base_units() {
        let odd = Dimension::from_ints([5, 0, 0, 0, 3, 0, 0]);
        assert_eq!(dimension_name(&odd), odd.base_string());
    }
}
