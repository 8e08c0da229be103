//! SI prefixes as Brian2 spells them (`u` for micro, `da` for deka).

/// A prefix symbol and its power of ten.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Prefix {
    pub symbol: &'static str,
    pub exponent: i32,
}

const fn p(symbol: &'static str, exponent: i32) -> Prefix {
    Prefix { symbol, exponent }
}

/// All 20 prefixes Brian2 combines with its units (`brian2.units.allunits`).
pub const ALL_PREFIXES: [Prefix; 20] = [
    p("y", -24),
    p("z", -21),
    p("a", -18),
    p("f", -15),
    p("p", -12),
    p("n", -9),
    p("u", -6),
    p("m", -3),
    p("c", -2),
    p("d", -1),
    p("da", 1),
    p("h", 2),
    p("k", 3),
    p("M", 6),
    p("G", 9),
    p("T", 12),
    p("P", 15),
    p("E", 18),
    p("Z", 21),
    p("Y", 24),
];

/// The prefixes whose units Brian2 uses for display (no centi, deci, deka, hecto), in the
/// order Brian2 registers them. The order matters: it decides ties in best-unit selection.
pub const DISPLAY_PREFIXES: [Prefix; 16] = [
    p("Y", 24),
    p("k", 3),
    p("M", 6),
    p("z", -21),
    p("E", 18),
    p("y", -24),
    p("T", 12),
    p("u", -6),
    p("p", -12),
    p("n", -9),
    p("m", -3),
    p("f", -15),
    p("G", 9),
    p("P", 15),
    p("Z", 21),
    p("a", -18),
];

/// The prefixes `from brian2 import *` exports for its common units (`mvolt`, `kohm`, ...).
pub const STAR_PREFIXES: [&str; 8] = ["p", "n", "u", "m", "k", "M", "G", "T"];

/// `10^exponent` as the nearest double, the value Python's `10.0**exponent` gives.
pub fn power_of_ten(exponent: i32) -> f64 {
    // Parsing is correctly rounded on every platform, unlike `powi`.
    format!("1e{exponent}")
        .parse()
        .expect("a power of ten always parses")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_prefixes_are_all_but_four() {
        for d in DISPLAY_PREFIXES {
            assert!(ALL_PREFIXES.contains(&d));
        }
        let skipped: Vec<_> = ALL_PREFIXES
            .iter()
            .filter(|p| !DISPLAY_PREFIXES.contains(p))
            .map(|p| p.symbol)
            .collect();
        assert_eq!(skipped, ["c", "d", "da", "h"]);
    }

    #[test]
    fn powers_of_ten_are_exact_nearest_doubles() {
        assert_eq!(power_of_ten(-3), 0.001);
        assert_eq!(power_of_ten(0), 1.0);
        assert_eq!(power_of_ten(24), 1e24);
        assert_eq!(power_of_ten(-72), 1e-72);
    }
}
