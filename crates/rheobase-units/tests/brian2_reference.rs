//! The registry and display checked against what Brian2 2.9 itself reports. The data files
//! in `tests/data` come from `tests/data/gen_brian2_reference.py`.

use rheobase_units::display_register::{additional_register, standard_register};
use rheobase_units::numfmt::{numpy_float_str, python_float_repr};
use rheobase_units::{
    all_units, format_quantity, repr_quantity, unit_entry, Dimension, Quantity, Ratio,
};

fn rows(file: &str) -> Vec<Vec<String>> {
    let path = format!("{}/tests/data/{file}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

fn dim(fields: &[String]) -> Dimension {
    let mut e = [Ratio::ZERO; 7];
    for (slot, f) in e.iter_mut().zip(fields) {
        *slot = Ratio::from_f64(f.parse().unwrap()).unwrap();
    }
    Dimension::from_exponents(e)
}

fn float(s: &str) -> f64 {
    s.parse().unwrap()
}

#[test]
fn every_unit_name_matches_brian2() {
    let mut seen = 0;
    for r in rows("units.tsv") {
        let name = &r[0];
        if name == "unit" {
            continue; // a loop variable left behind in allunits.py, not a unit
        }
        seen += 1;
        let e = unit_entry(name).unwrap_or_else(|| panic!("{name} missing"));
        assert_eq!(e.canonical, r[1], "{name}");
        assert_eq!(e.dispname, r[2], "{name}");
        let u = rheobase_units::lookup_unit(name).unwrap();
        assert_eq!(u.scale, float(&r[3]), "{name}");
        assert_eq!(e.dim, dim(&r[4..11]), "{name}");
        assert_eq!(e.star_export, r[11] == "1", "{name} star");
        assert_eq!(e.in_equations, r[12] == "1", "{name} equations");
    }
    assert_eq!(all_units().count(), seen, "no names beyond Brian2's");
}

/// Value, name and display name of a unit in a display register.
type RegisteredUnit = (f64, String, String);

#[test]
fn display_registers_match_brian2() {
    let data = rows("display_registry.tsv");
    for (tag, register) in [
        ("standard", standard_register()),
        ("additional", additional_register()),
    ] {
        let mut expected: Vec<(Dimension, Vec<RegisteredUnit>)> = Vec::new();
        for r in data.iter().filter(|r| r[0] == tag) {
            let d = dim(&r[1..8]);
            // Brian2's additional litres share cubic metres with the standard register.
            if tag == "additional" && r[9].contains("lit") {
                continue;
            }
            let unit = (float(&r[8]), r[9].clone(), r[10].clone());
            match expected.iter_mut().find(|(e, _)| *e == d) {
                Some((_, units)) => units.push(unit),
                None => expected.push((d, vec![unit])),
            }
        }
        let ours = register
            .dimensions()
            .filter(|d| !d.is_dimensionless())
            .count();
        assert_eq!(ours, expected.len(), "{tag}: number of dimensions");
        for (d, units) in expected {
            let got: Vec<_> = register
                .units_for(&d)
                .iter()
                .map(|u| (u.scale, u.name.clone(), u.dispname.clone()))
                .collect();
            assert_eq!(got, units, "{tag} {d}");
        }
    }
}

#[test]
fn quantities_print_as_in_brian2() {
    let data = rows("quantities.tsv");
    assert!(data.len() > 1000);
    for r in data {
        let q = Quantity::new(float(&r[2]), dim(&r[3..10]));
        assert_eq!(format_quantity(&q), r[10], "str of {} * {}", r[1], r[0]);
        assert_eq!(repr_quantity(&q), r[11], "repr of {} * {}", r[1], r[0]);
    }
}

#[test]
fn floats_print_as_numpy_and_python() {
    for r in rows("floats.tsv") {
        let x = float(&r[0]);
        assert_eq!(numpy_float_str(x), r[1], "numpy {x:?}");
        assert_eq!(python_float_repr(x), r[2], "python {x:?}");
    }
}

#[test]
fn mismatch_messages_match_brian2() {
    let data = rows("errors.tsv");
    assert!(data.len() > 1000);
    for r in data {
        let a = Quantity::new(float(&r[1]), dim(&r[2..9]));
        let b = Quantity::new(float(&r[9]), dim(&r[10..17]));
        let message = match r[0].as_str() {
            "add" => a.try_add(&b).map(|_| ()),
            "subtract" => a.try_sub(&b).map(|_| ()),
            op => a.try_cmp(&b, op).map(|_| ()),
        }
        .expect_err("Brian2 raised an error here")
        .to_string();
        assert_eq!(message, r[17]);
    }
}
