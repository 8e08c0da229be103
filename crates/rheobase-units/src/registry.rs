//! Every unit name Brian2 users write, with its SI scale and dimension, found in O(1).
//!
//! Names cover `brian2.units.allunits` (all SI prefixes, squared and cubed units),
//! `brian2.units.stdunits` (`mV`, `nS`, `um2`, ...) and the physical constants of
//! `brian2.units.constants`. [`lookup_unit`] finds units and constants alike;
//! [`Unit::kind`] tells them apart, and [`lookup_constant`](crate::lookup_constant) finds
//! constants only.

use crate::constants::CONSTANTS;
use crate::dimension::Dimension;
use crate::quantity::Quantity;
use crate::unit_table::{build_unit_table, UnitEntry};
use std::collections::HashMap;
use std::sync::OnceLock;

/// Whether a name is a unit or a physical constant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnitKind {
    Unit,
    Constant,
}

/// A named unit: `mV` is `scale = 1e-3` with volt's dimension.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Unit {
    /// Brian2's canonical name, its `repr` (`mvolt` for `mV`; the constant's own name).
    pub name: &'static str,
    /// Brian2's `str` of the unit: `mV`, `um^2` (for a constant, its name).
    pub dispname: &'static str,
    /// Value in SI units (`mV` is 0.001; a constant's value).
    pub scale: f64,
    pub dim: Dimension,
    pub kind: UnitKind,
}

impl Unit {
    /// The unit as a quantity (`1 mV` is `0.001 V`).
    pub fn quantity(&self) -> Quantity {
        Quantity::new(self.scale, self.dim)
    }
}

impl std::fmt::Display for Unit {
    /// Brian2's `str` of a unit: `mV`, `um^2`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.dispname)
    }
}

/// The generated table; it lives for the whole program, so names borrow from it.
fn table() -> &'static [UnitEntry] {
    static TABLE: OnceLock<Vec<UnitEntry>> = OnceLock::new();
    TABLE.get_or_init(build_unit_table)
}

fn index() -> &'static HashMap<&'static str, usize> {
    static INDEX: OnceLock<HashMap<&'static str, usize>> = OnceLock::new();
    INDEX.get_or_init(|| {
        table()
            .iter()
            .enumerate()
            .map(|(i, e)| (e.name.as_str(), i))
            .collect()
    })
}

fn unit_of(e: &'static UnitEntry) -> Unit {
    Unit {
        name: &e.canonical,
        dispname: &e.dispname,
        scale: e.scale,
        dim: e.dim,
        kind: UnitKind::Unit,
    }
}

/// Everything known about a unit name (`mV`): its canonical name, power of ten and where
/// Brian2 exposes it. `None` for constants and unknown names.
pub fn unit_entry(name: &str) -> Option<&'static UnitEntry> {
    index().get(name).map(|&i| &table()[i])
}

/// Look a unit or constant up by the name a user writes (`mV`, `nsiemens`, `um2`, `Hz`,
/// `faraday_constant`). `celsius` is not a unit (see [`CELSIUS_ERROR`](crate::CELSIUS_ERROR)).
pub fn lookup_unit(name: &str) -> Option<Unit> {
    if let Some(e) = unit_entry(name) {
        return Some(unit_of(e));
    }
    CONSTANTS.iter().find(|c| c.name == name).map(|c| Unit {
        name: c.name,
        dispname: c.name,
        scale: c.value.value,
        dim: c.value.dim,
        kind: UnitKind::Constant,
    })
}

/// Every unit name (2095 of them: `brian2.units.allunits` and the short names), with the
/// name users write and the unit; constants are in [`all_constants`](crate::all_constants).
pub fn all_units() -> impl Iterator<Item = (&'static str, Unit)> {
    table().iter().map(|e| (e.name.as_str(), unit_of(e)))
}

/// The 203 unit names `from brian2 import *` exports.
pub fn star_exported_units() -> impl Iterator<Item = (&'static str, Unit)> {
    table()
        .iter()
        .filter(|e| e.star_export)
        .map(|e| (e.name.as_str(), unit_of(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dim(e: [i32; 7]) -> Dimension {
        Dimension::from_ints(e)
    }

    const VOLT: [i32; 7] = [2, 1, -3, -1, 0, 0, 0];
    const SIEMENS: [i32; 7] = [-2, -1, 3, 2, 0, 0, 0];
    const FARAD: [i32; 7] = [-2, -1, 4, 2, 0, 0, 0];
    const OHM: [i32; 7] = [2, 1, -3, -2, 0, 0, 0];
    const AMP: [i32; 7] = [0, 0, 0, 1, 0, 0, 0];
    const SECOND: [i32; 7] = [0, 0, 1, 0, 0, 0, 0];
    const HERTZ: [i32; 7] = [0, 0, -1, 0, 0, 0, 0];
    const METRE: [i32; 7] = [1, 0, 0, 0, 0, 0, 0];
    const METRE2: [i32; 7] = [2, 0, 0, 0, 0, 0, 0];
    const METRE3: [i32; 7] = [3, 0, 0, 0, 0, 0, 0];
    const MOLAR: [i32; 7] = [-3, 0, 0, 0, 0, 1, 0];
    const KG: [i32; 7] = [0, 1, 0, 0, 0, 0, 0];

    #[test]
    fn sample_of_names() {
        let cases: &[(&str, &str, &str, f64, [i32; 7])] = &[
            ("volt", "volt", "V", 1.0, VOLT),
            ("mV", "mvolt", "mV", 1e-3, VOLT),
            ("mvolt", "mvolt", "mV", 1e-3, VOLT),
            ("uvolt", "uvolt", "uV", 1e-6, VOLT),
            ("kvolt", "kvolt", "kV", 1e3, VOLT),
            ("nS", "nsiemens", "nS", 1e-9, SIEMENS),
            ("nsiemens", "nsiemens", "nS", 1e-9, SIEMENS),
            ("mS", "msiemens", "mS", 1e-3, SIEMENS),
            ("uS", "usiemens", "uS", 1e-6, SIEMENS),
            ("pF", "pfarad", "pF", 1e-12, FARAD),
            ("uF", "ufarad", "uF", 1e-6, FARAD),
            ("nfarad", "nfarad", "nF", 1e-9, FARAD),
            ("ohm", "ohm", "ohm", 1.0, OHM),
            ("kohm", "kohm", "kohm", 1e3, OHM),
            ("Mohm", "Mohm", "Mohm", 1e6, OHM),
            ("Gohm", "Gohm", "Gohm", 1e9, OHM),
            ("amp", "amp", "A", 1.0, AMP),
            ("ampere", "ampere", "A", 1.0, AMP),
            ("nA", "namp", "nA", 1e-9, AMP),
            ("pA", "pamp", "pA", 1e-12, AMP),
            ("second", "second", "s", 1.0, SECOND),
            ("ms", "msecond", "ms", 1e-3, SECOND),
            ("us", "usecond", "us", 1e-6, SECOND),
            ("dasecond", "dasecond", "das", 10.0, SECOND),
            ("Hz", "hertz", "Hz", 1.0, HERTZ),
            ("kHz", "khertz", "kHz", 1e3, HERTZ),
            ("Mhertz", "Mhertz", "MHz", 1e6, HERTZ),
            ("becquerel", "becquerel", "Bq", 1.0, HERTZ),
            ("metre", "metre", "m", 1.0, METRE),
            ("meter", "meter", "m", 1.0, METRE),
            ("cm", "cmetre", "cm", 1e-2, METRE),
            ("um", "umetre", "um", 1e-6, METRE),
            ("umeter", "umeter", "um", 1e-6, METRE),
            ("hmetre", "hmetre", "hm", 100.0, METRE),
            ("um2", "umetre2", "um^2", 1e-12, METRE2),
            ("cm2", "cmetre2", "cm^2", 1e-4, METRE2),
            ("metre2", "metre2", "m^2", 1.0, METRE2),
            ("umetre3", "umetre3", "um^3", 1e-18, METRE3),
            ("mm3", "mmetre3", "mm^3", 1e-9, METRE3),
            ("liter", "liter", "l", 1e-3, METRE3),
            ("litre", "litre", "l", 1e-3, METRE3),
            ("mlitre", "mlitre", "ml", 1e-6, METRE3),
            ("molar", "molar", "M", 1e3, MOLAR),
            ("mM", "mmolar", "mM", 1.0, MOLAR),
            ("mmolar", "mmolar", "mM", 1.0, MOLAR),
            ("uM", "umolar", "uM", 1e-3, MOLAR),
            ("molar2", "molar2", "M^2", 1e6, [-6, 0, 0, 0, 0, 2, 0]),
            ("kilogram", "kilogram", "kg", 1.0, KG),
            ("gram", "gram", "g", 1e-3, KG),
            ("kgram", "kgram", "kg", 1.0, KG),
            ("mgram", "mgram", "mg", 1e-6, KG),
            ("gram2", "gram2", "g^2", 1e-6, [0, 2, 0, 0, 0, 0, 0]),
            ("kelvin", "kelvin", "K", 1.0, [0, 0, 0, 0, 1, 0, 0]),
            ("mole", "mole", "mol", 1.0, [0, 0, 0, 0, 0, 1, 0]),
            ("mmol", "mmol", "mmol", 1e-3, [0, 0, 0, 0, 0, 1, 0]),
            ("candle", "candle", "cd", 1.0, [0, 0, 0, 0, 0, 0, 1]),
            ("radian", "radian", "rad", 1.0, [0; 7]),
            ("mradian", "mradian", "mrad", 1e-3, [0; 7]),
            ("katal", "katal", "kat", 1.0, [0, 0, -1, 0, 0, 1, 0]),
            ("newton", "newton", "N", 1.0, [1, 1, -2, 0, 0, 0, 0]),
            ("pascal", "pascal", "Pa", 1.0, [-1, 1, -2, 0, 0, 0, 0]),
            ("volts", "", "", 0.0, [0; 7]),
        ];
        for &(name, canonical, disp, scale, d) in cases {
            if canonical.is_empty() {
                assert!(lookup_unit(name).is_none(), "{name} is not a unit");
                continue;
            }
            let u = lookup_unit(name).unwrap_or_else(|| panic!("{name} missing"));
            assert_eq!(u.name, canonical, "{name}");
            assert_eq!(u.dispname, disp, "{name}");
            assert_eq!(u.scale, scale, "{name}");
            assert_eq!(u.dim, dim(d), "{name}");
            assert_eq!(u.kind, UnitKind::Unit);
        }
    }

    #[test]
    fn constants_are_found_too() {
        assert_eq!(lookup_unit("um2").unwrap().to_string(), "um^2");
        let f = lookup_unit("faraday_constant").unwrap();
        assert_eq!(f.kind, UnitKind::Constant);
        assert_eq!(f.scale, 96485.33289);
        assert!(lookup_unit("celsius").is_none());
        assert!(lookup_unit("unit").is_none());
    }

    #[test]
    fn iterators_cover_the_table() {
        assert_eq!(all_units().count(), 2095);
        let star: Vec<_> = star_exported_units().map(|(n, _)| n).collect();
        assert_eq!(star.len(), 203);
        for name in [
            "mV", "mvolt", "kohm", "cmetre", "kelvin", "kilogram", "Mhertz", "um2",
        ] {
            assert!(star.contains(&name), "{name}");
        }
        for name in ["dasecond", "kgramme2", "metre2", "radian", "ampere"] {
            assert!(!star.contains(&name), "{name}");
        }
        let e = unit_entry("cmetre").unwrap();
        assert!(e.star_export && !e.in_equations);
        assert!(!unit_entry("mS").unwrap().in_equations);
        assert!(unit_entry("msiemens").unwrap().in_equations);
    }
}
