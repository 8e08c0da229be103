//! Every unit name Brian2 users write, with its SI scale and dimension.
//!
//! PLACEHOLDER until the units work lands: only the SI base units and a few derived units.

use crate::dimension::Dimension;

/// A named unit: `mV` is `scale = 1e-3` with volt's dimension.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Unit {
    pub name: &'static str,
    pub scale: f64,
    pub dim: Dimension,
}

pub const VOLT: Dimension = Dimension::from_ints([2, 1, -3, -1, 0, 0, 0]);
pub const SECOND: Dimension = Dimension::from_ints([0, 0, 1, 0, 0, 0, 0]);
pub const AMP: Dimension = Dimension::from_ints([0, 0, 0, 1, 0, 0, 0]);

/// Look a unit up by the name a user writes (`mV`, `nsiemens`, `um2`, `Hz`).
pub fn lookup_unit(name: &str) -> Option<Unit> {
    let (scale, dim) = match name {
        "volt" | "V" => (1.0, VOLT),
        "mV" | "mvolt" => (1e-3, VOLT),
        "second" | "s" => (1.0, SECOND),
        "ms" | "msecond" => (1e-3, SECOND),
        "amp" | "A" => (1.0, AMP),
        "nA" | "namp" => (1e-9, AMP),
        "pA" | "pamp" => (1e-12, AMP),
        _ => return None,
    };
    // Leak the name once per lookup is not acceptable; return a static str from the match.
    let name: &'static str = match name {
        "volt" => "volt",
        _ => "unit",
    };
    Some(Unit { name, scale, dim })
}
