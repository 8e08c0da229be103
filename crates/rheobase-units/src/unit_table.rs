//! The table of every unit name Brian2 defines, generated the way Brian2 generates it:
//! base and derived units, each combined with the SI prefixes, squared and cubed.

use crate::dimension::Dimension;
use crate::prefix::{power_of_ten, ALL_PREFIXES, DISPLAY_PREFIXES, STAR_PREFIXES};

/// A base or derived unit from which Brian2 builds prefixed and powered names.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Family {
    pub name: &'static str,
    pub dispname: &'static str,
    pub dim: Dimension,
    /// The unit's value is `10^exponent` in SI (gram is -3, molar is 3).
    pub exponent: i32,
    /// Brian2 defines prefixed versions (`mvolt`); not for kilogram or kelvin.
    pub prefixed: bool,
    /// Brian2 defines `name2` and `name3`; not for litre.
    pub powered: bool,
    /// `from brian2 import *` exports the unit with the prefixes p n u m k M G T.
    pub star_prefixed: bool,
}

const fn fam(
    name: &'static str,
    dispname: &'static str,
    dim: [i32; 7],
    exponent: i32,
    prefixed: bool,
    star_prefixed: bool,
) -> Family {
    Family {
        name,
        dispname,
        dim: Dimension::from_ints(dim),
        exponent,
        prefixed,
        powered: true,
        star_prefixed,
    }
}

const HERTZ: [i32; 7] = [0, 0, -1, 0, 0, 0, 0];
const GRAY: [i32; 7] = [2, 0, -2, 0, 0, 0, 0];
const CANDELA: [i32; 7] = [0, 0, 0, 0, 0, 0, 1];
const KILOGRAM: [i32; 7] = [0, 1, 0, 0, 0, 0, 0];
const MOLE: [i32; 7] = [0, 0, 0, 0, 0, 1, 0];
const AMPERE: [i32; 7] = [0, 0, 0, 1, 0, 0, 0];
const METRE: [i32; 7] = [1, 0, 0, 0, 0, 0, 0];
const ONE: [i32; 7] = [0; 7];

/// The units Brian2 registers for display, in its registration order (`base_units` in
/// `allunits.py`). When two units share a dimension and a value, the later one is shown
/// (`metre` rather than `meter`, `hertz` rather than `becquerel`).
pub(crate) const FAMILIES: [Family; 35] = [
    fam("katal", "kat", [0, 0, -1, 0, 0, 1, 0], 0, true, false),
    fam("sievert", "Sv", GRAY, 0, true, false),
    fam("gray", "Gy", GRAY, 0, true, false),
    fam("becquerel", "Bq", HERTZ, 0, true, false),
    fam("lux", "lx", [-2, 0, 0, 0, 0, 0, 1], 0, true, false),
    fam("lumen", "lm", CANDELA, 0, true, false),
    fam("henry", "H", [2, 1, -2, -2, 0, 0, 0], 0, true, false),
    fam("tesla", "T", [0, 1, -2, -1, 0, 0, 0], 0, true, false),
    fam("weber", "Wb", [2, 1, -2, -1, 0, 0, 0], 0, true, false),
    fam("siemens", "S", [-2, -1, 3, 2, 0, 0, 0], 0, true, true),
    fam("ohm", "ohm", [2, 1, -3, -2, 0, 0, 0], 0, true, true),
    fam("farad", "F", [-2, -1, 4, 2, 0, 0, 0], 0, true, true),
    fam("volt", "V", [2, 1, -3, -1, 0, 0, 0], 0, true, true),
    fam("coulomb", "C", [0, 0, 1, 1, 0, 0, 0], 0, true, true),
    fam("watt", "W", [2, 1, -3, 0, 0, 0, 0], 0, true, true),
    fam("joule", "J", [2, 1, -2, 0, 0, 0, 0], 0, true, true),
    fam("pascal", "Pa", [-1, 1, -2, 0, 0, 0, 0], 0, true, true),
    fam("newton", "N", [1, 1, -2, 0, 0, 0, 0], 0, true, false),
    fam("hertz", "Hz", HERTZ, 0, true, true),
    fam("steradian", "sr", ONE, 0, true, false),
    fam("radian", "rad", ONE, 0, true, false),
    fam("molar", "M", [-3, 0, 0, 0, 0, 1, 0], 3, true, true),
    fam("gramme", "g", KILOGRAM, -3, true, true),
    fam("gram", "g", KILOGRAM, -3, true, true),
    fam("kilogramme", "kg", KILOGRAM, 0, false, false),
    fam("candle", "cd", CANDELA, 0, true, false),
    fam("mol", "mol", MOLE, 0, true, false),
    fam("mole", "mol", MOLE, 0, true, true),
    fam("kelvin", "K", [0, 0, 0, 0, 1, 0, 0], 0, false, false),
    fam("ampere", "A", AMPERE, 0, true, false),
    fam("amp", "A", AMPERE, 0, true, true),
    fam("second", "s", [0, 0, 1, 0, 0, 0, 0], 0, true, true),
    fam("kilogram", "kg", KILOGRAM, 0, false, false),
    fam("meter", "m", METRE, 0, true, true),
    fam("metre", "m", METRE, 0, true, true),
];

/// Litre is defined like the others but registered only as an "additional" unit, so it is
/// never chosen for display; it has prefixes but no powers.
pub(crate) const LITRES: [Family; 2] = [
    Family {
        name: "liter",
        dispname: "l",
        dim: Dimension::from_ints([3, 0, 0, 0, 0, 0, 0]),
        exponent: -3,
        prefixed: true,
        powered: false,
        star_prefixed: true,
    },
    Family {
        name: "litre",
        dispname: "l",
        dim: Dimension::from_ints([3, 0, 0, 0, 0, 0, 0]),
        exponent: -3,
        prefixed: true,
        powered: false,
        star_prefixed: true,
    },
];

/// Brian2's optional short names (`brian2.units.stdunits`) and the unit each stands for.
pub(crate) const SHORT_NAMES: [(&str, &str); 28] = [
    ("mV", "mvolt"),
    ("mA", "mamp"),
    ("uA", "uamp"),
    ("nA", "namp"),
    ("pA", "pamp"),
    ("pF", "pfarad"),
    ("uF", "ufarad"),
    ("nF", "nfarad"),
    ("nS", "nsiemens"),
    ("uS", "usiemens"),
    ("mS", "msiemens"),
    ("ms", "msecond"),
    ("us", "usecond"),
    ("Hz", "hertz"),
    ("kHz", "khertz"),
    ("MHz", "Mhertz"),
    ("cm", "cmetre"),
    ("cm2", "cmetre2"),
    ("cm3", "cmetre3"),
    ("mm", "mmetre"),
    ("mm2", "mmetre2"),
    ("mm3", "mmetre3"),
    ("um", "umetre"),
    ("um2", "umetre2"),
    ("um3", "umetre3"),
    ("mM", "mmolar"),
    ("uM", "umolar"),
    ("nM", "nmolar"),
];

/// Brian2 forgot `mS` in the dictionary that feeds the equation namespace, so `mS` resolves
/// in equations only when the user imported it (which `from brian2 import *` does).
const SHORT_NAMES_MISSING_FROM_EQUATIONS: [&str; 1] = ["mS"];

/// Units exported by `from brian2 import *` beyond the prefixed common families.
const STAR_EXTRAS: [&str; 4] = ["kelvin", "kilogram", "cmetre", "cmeter"];

/// One unit name with everything Brian2 knows about it.
#[derive(Clone, Debug, PartialEq)]
pub struct UnitEntry {
    /// The name users write: `mV`, `mvolt`, `umetre2`.
    pub name: String,
    /// Brian2's `repr` of the unit (`mvolt` for `mV`).
    pub canonical: String,
    /// Brian2's `str` of the unit: `mV`, `um^2`, `kohm`.
    pub dispname: String,
    /// The unit is `10^exponent` times the SI unit of its dimension.
    pub exponent: i32,
    /// `10^exponent`, the value in SI units.
    pub scale: f64,
    pub dim: Dimension,
    /// Exported by `from brian2 import *`.
    pub star_export: bool,
    /// Known in model equations without an import (Brian2's `DEFAULT_UNITS`).
    pub in_equations: bool,
}

struct Variant {
    name: String,
    dispname: String,
    exponent: i32,
    dim: Dimension,
    prefix: Option<&'static str>,
}

/// A family's prefixed names (all 20 prefixes) with the base name, optionally powered.
fn variants(f: &Family, power: i32) -> Vec<Variant> {
    let suffix = |s: &str| {
        if power == 1 {
            s.to_string()
        } else {
            format!("{s}{power}")
        }
    };
    let disp = |s: String| {
        if power == 1 {
            s
        } else {
            format!("{s}^{power}")
        }
    };
    let dim = f.dim.pow(crate::Ratio::integer(power));
    let mut out = vec![Variant {
        name: suffix(f.name),
        dispname: disp(f.dispname.to_string()),
        exponent: f.exponent * power,
        dim,
        prefix: None,
    }];
    if f.prefixed {
        for p in ALL_PREFIXES {
            out.push(Variant {
                name: suffix(&format!("{}{}", p.symbol, f.name)),
                dispname: disp(format!("{}{}", p.symbol, f.dispname)),
                exponent: (p.exponent + f.exponent) * power,
                dim,
                prefix: Some(p.symbol),
            });
        }
    }
    out
}

fn shown_in_equations(prefix: Option<&str>, family: &Family) -> bool {
    let is_litre = LITRES.iter().any(|l| l.name == family.name);
    is_litre || prefix.is_none_or(|p| DISPLAY_PREFIXES.iter().any(|d| d.symbol == p))
}

fn star_exported(prefix: Option<&str>, power: i32, family: &Family) -> bool {
    if power != 1 {
        return false;
    }
    let name = format!("{}{}", prefix.unwrap_or(""), family.name);
    if STAR_EXTRAS.contains(&name.as_str()) {
        return true;
    }
    family.star_prefixed && prefix.is_none_or(|p| STAR_PREFIXES.contains(&p))
}

/// Every unit name of `brian2.units.allunits` and `brian2.units.stdunits`, in no set order.
pub(crate) fn build_unit_table() -> Vec<UnitEntry> {
    let mut table = Vec::with_capacity(2100);
    for family in FAMILIES.iter().chain(LITRES.iter()) {
        let powers: &[i32] = if family.powered { &[1, 2, 3] } else { &[1] };
        for &power in powers {
            for v in variants(family, power) {
                table.push(UnitEntry {
                    canonical: v.name.clone(),
                    name: v.name,
                    dispname: v.dispname,
                    exponent: v.exponent,
                    scale: power_of_ten(v.exponent),
                    dim: v.dim,
                    star_export: star_exported(v.prefix, power, family),
                    in_equations: shown_in_equations(v.prefix, family),
                });
            }
        }
    }
    for (short, long) in SHORT_NAMES {
        let target = table
            .iter()
            .find(|e| e.name == long)
            .expect("every short name stands for a generated unit")
            .clone();
        table.push(UnitEntry {
            name: short.to_string(),
            star_export: true,
            in_equations: !SHORT_NAMES_MISSING_FROM_EQUATIONS.contains(&short),
            ..target
        });
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_match_brian2() {
        let table = build_unit_table();
        // brian2.units.allunits holds 2068 units, one of them the stray loop variable `unit`.
        assert_eq!(table.len(), 2067 + 28);
        assert_eq!(table.iter().filter(|e| e.star_export).count(), 203);
        assert_eq!(table.iter().filter(|e| e.in_equations).count(), 1710);
        let mut names: Vec<_> = table.iter().map(|e| e.name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), table.len(), "names are unique");
    }
}
