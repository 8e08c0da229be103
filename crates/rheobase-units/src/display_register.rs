//! The units Brian2 considers when it picks the "best" unit to print a quantity, and the
//! selection itself (`Quantity.get_best_unit`).

use crate::dimension::Dimension;
use crate::prefix::{power_of_ten, DISPLAY_PREFIXES};
use crate::unit_table::{Family, FAMILIES};
use std::collections::HashMap;
use std::sync::OnceLock;

/// A unit that quantities may be printed in.
#[derive(Clone, Debug, PartialEq)]
pub struct DisplayUnit {
    /// Brian2's `repr` of the unit: `mvolt`, `umetre2`, `joule / kelvin`.
    pub name: String,
    /// Brian2's `str` of the unit: `mV`, `um^2`, `J/K`.
    pub dispname: String,
    /// Value in SI units.
    pub scale: f64,
    pub dim: Dimension,
}

/// Units grouped by dimension, as Brian2's `UnitRegistry`: per dimension, one unit per value,
/// in the order values were first added; adding a unit with a value already present replaces
/// the unit but keeps its place.
#[derive(Clone, Debug, Default)]
pub struct UnitRegister {
    by_dim: HashMap<Dimension, Vec<DisplayUnit>>,
}

impl UnitRegister {
    pub fn new() -> UnitRegister {
        UnitRegister::default()
    }

    pub fn add(&mut self, unit: DisplayUnit) {
        let units = self.by_dim.entry(unit.dim).or_default();
        match units.iter_mut().find(|u| u.scale == unit.scale) {
            Some(slot) => *slot = unit,
            None => units.push(unit),
        }
    }

    /// Every dimension that has units here, in no set order.
    pub fn dimensions(&self) -> impl Iterator<Item = &Dimension> {
        self.by_dim.keys()
    }

    /// The units of one dimension, in selection order.
    pub fn units_for(&self, dim: &Dimension) -> &[DisplayUnit] {
        self.by_dim.get(dim).map_or(&[], Vec::as_slice)
    }

    /// The unit of this dimension with value 1 (`volt`, not `mvolt`).
    pub fn unscaled(&self, dim: &Dimension) -> Option<&DisplayUnit> {
        self.units_for(dim).iter().find(|u| u.scale == 1.0)
    }

    /// Brian2's choice among this register's units for a value: the unit for which
    /// `|value| / scale` is closest to 10 on a log scale; the unscaled unit for zero or NaN.
    /// `None` when the register has no unit of this dimension.
    pub fn best_for(&self, value: f64, dim: &Dimension) -> Option<&DisplayUnit> {
        self.best_for_values(&[value], dim)
    }

    /// [`best_for`](Self::best_for) for a 1-d array: the unit minimising the summed squared
    /// distances to 10 (log scale) over the non-zero values. As in Brian2, arrays longer than
    /// numpy's print threshold (1000) count only the 3 values at each end, the ones printed.
    pub fn best_for_values(&self, values: &[f64], dim: &Dimension) -> Option<&DisplayUnit> {
        let units = self.units_for(dim);
        if units.is_empty() {
            return None;
        }
        let shown: Vec<f64> = if values.len() > PRINT_THRESHOLD {
            let n = values.len();
            values[..EDGE_ITEMS]
                .iter()
                .chain(&values[n - EDGE_ITEMS..])
                .copied()
                .collect()
        } else {
            values.to_vec()
        };
        // Zeros fit any unit and NaNs none: both are left out of the sum.
        let counted: Vec<f64> = shown
            .iter()
            .map(|v| v.abs())
            .filter(|x| *x != 0.0 && !x.is_nan())
            .collect();
        if counted.is_empty() {
            return self.unscaled(dim).or(units.first());
        }
        let deviation = |u: &DisplayUnit| -> f64 {
            counted
                .iter()
                .map(|x| {
                    let d = (x / u.scale).log10() - 1.0;
                    d * d
                })
                .sum()
        };
        // First minimum wins, as numpy's argmin (all-infinite deviations pick the first).
        let mut best = &units[0];
        let mut best_dev = deviation(best);
        for u in &units[1..] {
            let dev = deviation(u);
            if dev < best_dev {
                best = u;
                best_dev = dev;
            }
        }
        Some(best)
    }
}

/// numpy's default `threshold` and `edgeitems` print options.
const PRINT_THRESHOLD: usize = 1000;
const EDGE_ITEMS: usize = 3;

fn display_unit(family: &Family, prefix: Option<(&str, i32)>, power: i32) -> DisplayUnit {
    let (p, p_exp) = prefix.unwrap_or(("", 0));
    let (name, dispname) = if power == 1 {
        (
            format!("{p}{}", family.name),
            format!("{p}{}", family.dispname),
        )
    } else {
        (
            format!("{p}{}{power}", family.name),
            format!("{p}{}^{power}", family.dispname),
        )
    };
    DisplayUnit {
        name,
        dispname,
        scale: power_of_ten((family.exponent + p_exp) * power),
        dim: family.dim.pow(crate::Ratio::integer(power)),
    }
}

/// Brian2's standard register: every base and derived unit with the display prefixes, their
/// squares and cubes, added in Brian2's order (prefixed powers, powers, prefixed, base), so
/// that the same unit wins each tie.
pub fn standard_register() -> &'static UnitRegister {
    static REGISTER: OnceLock<UnitRegister> = OnceLock::new();
    REGISTER.get_or_init(|| {
        let mut reg = UnitRegister::new();
        let prefixed = || FAMILIES.iter().filter(|f| f.prefixed);
        for f in prefixed() {
            for p in DISPLAY_PREFIXES {
                for power in [3, 2] {
                    reg.add(display_unit(f, Some((p.symbol, p.exponent)), power));
                }
            }
        }
        for f in &FAMILIES {
            for power in [3, 2] {
                reg.add(display_unit(f, None, power));
            }
        }
        for f in prefixed() {
            for p in DISPLAY_PREFIXES {
                reg.add(display_unit(f, Some((p.symbol, p.exponent)), 1));
            }
        }
        for f in &FAMILIES {
            reg.add(display_unit(f, None, 1));
        }
        reg
    })
}

/// Brian2's compound units for display (its `additional_units`), with Brian2's names.
const ADDITIONAL: [(&str, &str, [i32; 7]); 18] = [
    ("pascal * second", "Pa s", [-1, 1, -1, 0, 0, 0, 0]),
    ("newton * metre", "N m", [2, 1, -2, 0, 0, 0, 0]),
    ("watt / (metre ** 2)", "W/(m^2)", [0, 1, -3, 0, 0, 0, 0]),
    ("joule / kelvin", "J/K", [2, 1, -2, 0, -1, 0, 0]),
    (
        "joule / (kilogram * kelvin)",
        "J/(kg K)",
        [2, 0, -2, 0, -1, 0, 0],
    ),
    ("joule / kilogram", "J/kg", [2, 0, -2, 0, 0, 0, 0]),
    (
        "watt / (metre * kelvin)",
        "W/(m K)",
        [1, 1, -3, 0, -1, 0, 0],
    ),
    ("joule / (metre ** 3)", "J/(m^3)", [-1, 1, -2, 0, 0, 0, 0]),
    ("volt / (metre ** 3)", "V/(m^3)", [-1, 1, -3, -1, 0, 0, 0]),
    ("coulomb / (metre ** 3)", "C/(m^3)", [-3, 0, 1, 1, 0, 0, 0]),
    ("coulomb / (metre ** 2)", "C/(m^2)", [-2, 0, 1, 1, 0, 0, 0]),
    ("farad / metre", "F/m", [-3, -1, 4, 2, 0, 0, 0]),
    ("henry / metre", "H/m", [1, 1, -2, -2, 0, 0, 0]),
    ("joule / mole", "J/mol", [2, 1, -2, 0, 0, -1, 0]),
    (
        "joule / (mole * kelvin)",
        "J/(mol K)",
        [2, 1, -2, 0, -1, -1, 0],
    ),
    ("coulomb / kilogram", "C/kg", [0, -1, 1, 1, 0, 0, 0]),
    ("gray / second", "Gy/s", [2, 0, -3, 0, 0, 0, 0]),
    ("katal / (metre ** 3)", "kat/(m^3)", [-3, 0, -1, 0, 0, 1, 0]),
];

/// Brian2's additional register: compound units such as `J/K` and `F/m`. (Brian2 also puts
/// the litres here; they never show, because the standard register has cubic metres.)
pub fn additional_register() -> &'static UnitRegister {
    static REGISTER: OnceLock<UnitRegister> = OnceLock::new();
    REGISTER.get_or_init(|| {
        let mut reg = UnitRegister::new();
        for (name, dispname, dim) in ADDITIONAL {
            reg.add(DisplayUnit {
                name: name.into(),
                dispname: dispname.into(),
                scale: 1.0,
                dim: Dimension::from_ints(dim),
            });
        }
        reg
    })
}

/// The unit Brian2 prints a value in: the standard register, then the user's, then the
/// additional one (the first that has the dimension decides). `None` means "print in base
/// units" (`m^-4 kg^-1 s^3 A^2`).
pub fn best_unit<'a>(
    value: f64,
    dim: &Dimension,
    user: Option<&'a UnitRegister>,
) -> Option<&'a DisplayUnit> {
    let registers = [Some(standard_register()), user, Some(additional_register())];
    registers
        .into_iter()
        .flatten()
        .find(|r| !r.units_for(dim).is_empty())
        .and_then(|r| r.best_for(value, dim))
}

/// [`best_unit`] for the values of a 1-d array (Brian2's `get_best_unit` of an array).
pub fn best_unit_for_values<'a>(
    values: &[f64],
    dim: &Dimension,
    user: Option<&'a UnitRegister>,
) -> Option<&'a DisplayUnit> {
    let registers = [Some(standard_register()), user, Some(additional_register())];
    registers
        .into_iter()
        .flatten()
        .find(|r| !r.units_for(dim).is_empty())
        .and_then(|r| r.best_for_values(values, dim))
}

/// The unscaled unit Brian2 names a dimension by in error messages (`get_unit`).
pub fn unscaled_unit<'a>(
    dim: &Dimension,
    user: Option<&'a UnitRegister>,
) -> Option<&'a DisplayUnit> {
    let registers = [Some(standard_register()), user, Some(additional_register())];
    registers
        .into_iter()
        .flatten()
        .find_map(|r| r.unscaled(dim))
}

#[cfg(test)]
mod tests {
    use super::*;

    const VOLT: Dimension = Dimension::from_ints([2, 1, -3, -1, 0, 0, 0]);

    fn best(value: f64, dim: Dimension) -> String {
        best_unit(value, &dim, None).map_or("-".into(), |u| u.name.clone())
    }

    #[test]
    fn picks_the_unit_closest_to_ten() {
        assert_eq!(best(0.003, VOLT), "mvolt");
        assert_eq!(best(-0.07, VOLT), "mvolt");
        assert_eq!(best(0.5, VOLT), "volt");
        assert_eq!(best(0.0, VOLT), "volt");
        assert_eq!(best(f64::NAN, VOLT), "volt");
        assert_eq!(best(f64::INFINITY, VOLT), "Yvolt");
        let second = Dimension::from_ints([0, 0, 1, 0, 0, 0, 0]);
        assert_eq!(best(1e-4, second), "usecond");
    }

    #[test]
    fn arrays_use_the_summed_deviation() {
        let name = |values: &[f64]| {
            best_unit_for_values(values, &VOLT, None).map_or("-".into(), |u| u.name.clone())
        };
        assert_eq!(name(&[0.003, 0.005]), "mvolt");
        assert_eq!(name(&[0.0, 0.0]), "volt");
        assert_eq!(name(&[0.0, 2e-6, f64::NAN]), "uvolt");
        assert_eq!(name(&[1e-3, 1.0, 10.0]), "mvolt");
        // Long arrays: only the printed ends count.
        let mut long = vec![0.003; 2000];
        long[1000] = 3e6;
        assert_eq!(name(&long), "mvolt");
    }

    #[test]
    fn ties_go_to_brian2s_names() {
        let reg = standard_register();
        let name_of = |dim: [i32; 7], scale: f64| {
            reg.units_for(&Dimension::from_ints(dim))
                .iter()
                .find(|u| u.scale == scale)
                .map(|u| u.name.clone())
        };
        assert_eq!(name_of([1, 0, 0, 0, 0, 0, 0], 1.0).unwrap(), "metre");
        assert_eq!(name_of([0, 1, 0, 0, 0, 0, 0], 1.0).unwrap(), "kilogram");
        assert_eq!(name_of([0, 0, -1, 0, 0, 0, 0], 1e6).unwrap(), "Mhertz");
        assert_eq!(name_of([0, 0, 0, 0, 0, 0, 1], 1.0).unwrap(), "candle");
        assert_eq!(name_of([2, 0, -2, 0, 0, 0, 0], 1.0).unwrap(), "gray");
        assert_eq!(name_of([-3, 0, 0, 0, 0, 1, 0], 1.0).unwrap(), "mmolar");
    }

    #[test]
    fn user_units_come_between_standard_and_additional() {
        let density = Dimension::from_ints([-4, -1, 3, 2, 0, 0, 0]);
        assert!(best_unit(5e-5, &density, None).is_none());
        let mut user = UnitRegister::new();
        user.add(DisplayUnit {
            name: "usiemens / (cmetre ** 2)".into(),
            dispname: "uS/(cm^2)".into(),
            scale: 1e-2,
            dim: density,
        });
        assert_eq!(
            best_unit(5e-5, &density, Some(&user)).unwrap().dispname,
            "uS/(cm^2)"
        );
        // A user unit never overrides a standard one.
        user.add(DisplayUnit {
            name: "Nm".into(),
            dispname: "Nm".into(),
            scale: 1.0,
            dim: VOLT,
        });
        assert_eq!(best_unit(3.0, &VOLT, Some(&user)).unwrap().name, "volt");
    }
}
