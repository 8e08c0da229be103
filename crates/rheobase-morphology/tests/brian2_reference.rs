//! rheobase-morphology against Brian2 2.9 (`tests/data/brian2_morphology.txt`, made by
//! `tests/data/make_reference.py`) and against the expected counts and lengths of the shared
//! SWC test files (`tests/data/swc/PROVENANCE.md`).

use rheobase_morphology::{Extent, FlatMorphology, Morphology};
use std::collections::HashMap;
use std::path::PathBuf;

const UM: f64 = 1e-6;

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

/// `case -> field -> raw values` from the reference file.
fn reference() -> HashMap<String, HashMap<String, Vec<String>>> {
    let text = std::fs::read_to_string(data_dir().join("brian2_morphology.txt")).unwrap();
    let mut out: HashMap<String, HashMap<String, Vec<String>>> = HashMap::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let mut parts = line.split(' ');
        let case = parts.next().unwrap().to_string();
        let field = parts.next().unwrap().to_string();
        out.entry(case)
            .or_default()
            .insert(field, parts.map(String::from).collect());
    }
    out
}

fn numbers(values: &[String]) -> Vec<f64> {
    values.iter().map(|v| v.parse::<f64>().unwrap()).collect()
}

fn unescape(values: &[String]) -> String {
    values[0]
        .replace("\\n", "\n")
        .replace("\\s", " ")
        .replace("\\\\", "\\")
}

fn assert_close(what: &str, ours: &[f64], theirs: &[f64]) {
    assert_eq!(ours.len(), theirs.len(), "{what}: lengths differ");
    for (k, (a, b)) in ours.iter().zip(theirs).enumerate() {
        if (a.is_nan() && b.is_nan()) || a == b {
            continue;
        }
        let tol = 1e-12 * a.abs().max(b.abs()) + 1e-20;
        assert!((a - b).abs() <= tol, "{what}[{k}]: ours {a}, Brian2 {b}");
    }
}

fn coordinate(points: &Option<Vec<[f64; 3]>>, axis: usize) -> Vec<f64> {
    points.as_ref().unwrap().iter().map(|p| p[axis]).collect()
}

/// Every per-compartment array Brian2 recorded for a case.
fn compare_arrays(case: &str, m: &Morphology, fields: &HashMap<String, Vec<String>>) {
    let flat = m.flatten();
    let ours: Vec<(&str, Vec<f64>)> = vec![
        ("length", flat.length.clone()),
        ("diameter", flat.diameter.clone()),
        ("area", flat.area.clone()),
        ("volume", flat.volume.clone()),
        ("distance", flat.distance.clone()),
        ("r_length_1", flat.r_length_1.clone()),
        ("r_length_2", flat.r_length_2.clone()),
    ];
    for (name, values) in ours {
        assert_close(&format!("{case}.{name}"), &values, &numbers(&fields[name]));
    }
    if fields.contains_key("x") {
        assert_close(
            &format!("{case}.x"),
            &coordinate(&flat.point, 0),
            &numbers(&fields["x"]),
        );
        assert_close(
            &format!("{case}.y"),
            &coordinate(&flat.point, 1),
            &numbers(&fields["y"]),
        );
        assert_close(
            &format!("{case}.z"),
            &coordinate(&flat.point, 2),
            &numbers(&fields["z"]),
        );
        assert_close(
            &format!("{case}.start_x"),
            &coordinate(&flat.start_point, 0),
            &numbers(&fields["start_x"]),
        );
        assert_close(
            &format!("{case}.end_z"),
            &coordinate(&flat.end_point, 2),
            &numbers(&fields["end_z"]),
        );
    } else {
        assert!(flat.point.is_none(), "{case}: Brian2 has no coordinates");
    }
    assert_eq!(
        m.topology(),
        unescape(&fields["topology"]),
        "{case}: topology"
    );
    assert_eq!(
        m.total_compartments().to_string(),
        fields["total_compartments"][0]
    );
    assert_eq!(m.total_sections().to_string(), fields["total_sections"][0]);
}

fn cyl(d: f64, n: usize, length: f64) -> Morphology {
    Morphology::cylinder(d * UM, n, Extent::Length(vec![length * UM])).unwrap()
}

#[test]
fn handmade_morphologies_match_brian2() {
    let reference = reference();

    let mut m = Morphology::soma(30.0 * UM).unwrap();
    m.add_child("dend", cyl(2.0, 5, 100.0)).unwrap();
    let cone = Morphology::section(
        vec![2.0 * UM, 1.5 * UM, 1.0 * UM, 0.5 * UM],
        3,
        Extent::Length(vec![10.0 * UM, 20.0 * UM, 30.0 * UM]),
    )
    .unwrap();
    m.get_mut("dend").unwrap().add_child("L", cone).unwrap();
    m.add_child("dend.R", cyl(1.0, 2, 50.0)).unwrap_err(); // dotted names are paths, not names
    m.add_child("dendR", cyl(1.0, 1, 1.0)).unwrap();
    m.remove_child("dendR").unwrap();
    m.get_mut("dend")
        .unwrap()
        .add_child("R", cyl(1.0, 2, 50.0))
        .unwrap();
    let axon = Morphology::section(
        vec![1.0 * UM, 1.0 * UM, 0.8 * UM],
        2,
        Extent::Points(vec![
            [0.0, 0.0, 0.0],
            [10.0 * UM, 5.0 * UM, 0.0],
            [30.0 * UM, 5.0 * UM, 1.0 * UM],
        ]),
    )
    .unwrap();
    m.add_child("axon", axon).unwrap();
    compare_arrays("soma_dend_axon", &m, &reference["soma_dend_axon"]);

    let c = Morphology::cylinder(
        UM,
        4,
        Extent::Points(vec![[0.0; 3], [40.0 * UM, 30.0 * UM, 0.0]]),
    )
    .unwrap();
    compare_arrays(
        "cylinder_coordinates",
        &c,
        &reference["cylinder_coordinates"],
    );

    let mut s = Morphology::soma_at(10.0 * UM, [5.0 * UM, 0.0, 0.0]).unwrap();
    let l = Morphology::cylinder(
        UM,
        2,
        Extent::Points(vec![[5.0 * UM, 0.0, 0.0], [25.0 * UM, 0.0, 0.0]]),
    )
    .unwrap();
    s.add_child("L", l).unwrap();
    s.add_child("R", cyl(1.0, 2, 20.0)).unwrap();
    let ll = Morphology::cylinder(
        0.5 * UM,
        1,
        Extent::Points(vec![[0.0; 3], [0.0, 10.0 * UM, 0.0]]),
    )
    .unwrap();
    s.add_child("LL", ll).unwrap();
    compare_arrays("mixed_coordinates", &s, &reference["mixed_coordinates"]);
}

#[test]
fn length_slices_match_brian2() {
    let reference = reference();
    let cable = cyl(1.0, 10, 100.0);
    let ranges = numbers(&reference["slices"]["ranges"]);
    for row in ranges.chunks(4) {
        let opt = |x: f64| (!x.is_nan()).then_some(x * UM);
        let r = cable
            .compartments_between(opt(row[0]), opt(row[1]))
            .unwrap();
        assert_eq!((r.start as f64, r.end as f64), (row[2], row[3]), "{row:?}");
    }
    let points = numbers(&reference["slices"]["points"]);
    for row in points.chunks(2) {
        let k = cable.compartment_at(row[0] * UM).unwrap();
        // Brian2 answers 10 (one past the end) for the very end of the cable; we answer the
        // last compartment.
        assert_eq!(k as f64, row[1].min(9.0), "{row:?}");
    }
}

fn swc_path(name: &str) -> PathBuf {
    data_dir().join("swc").join(name)
}

fn sections_length(flat: &FlatMorphology) -> f64 {
    flat.sections
        .iter()
        .filter(|s| !(s.is_soma && s.parent.is_none()))
        .map(|s| flat.length[s.compartments.clone()].iter().sum::<f64>())
        .sum()
}

#[test]
fn every_swc_file_matches_brian2() {
    let reference = reference();
    let mut checked = 0;
    for (case, fields) in &reference {
        if !case.ends_with(".swc") {
            continue;
        }
        let result = Morphology::from_swc_file(swc_path(case));
        if fields.contains_key("error_without_inline_comments") {
            let e = result.expect_err(case);
            assert!(e.line.is_some(), "{case}: {e}");
            checked += 1;
            continue;
        }
        let m = result.unwrap_or_else(|e| panic!("{case}: {e}"));
        let flat = m.flatten();
        let number = |f: &str| numbers(&fields[f])[0];
        assert_eq!(
            m.total_compartments() as f64,
            number("total_compartments"),
            "{case}"
        );
        assert_eq!(
            m.total_sections() as f64,
            number("total_sections"),
            "{case}"
        );
        assert_eq!(
            m.geometry().is_soma(),
            number("root_is_soma") == 1.0,
            "{case}"
        );
        let close = |what: &str, ours: f64| {
            let theirs = number(what);
            assert!(
                ours == theirs || (ours - theirs).abs() <= 1e-9 * theirs.abs(),
                "{case} {what}: ours {ours}, Brian2 {theirs}"
            );
        };
        close("sum_length_sections", sections_length(&flat));
        close("sum_area", flat.area.iter().sum());
        close("sum_volume", flat.volume.iter().sum());
        close(
            "max_distance",
            flat.distance.iter().cloned().fold(0.0, f64::max),
        );
        close("sum_distance", flat.distance.iter().sum());
        close(
            "sum_r_length_1_inv",
            flat.r_length_1.iter().map(|r| 1.0 / r).sum(),
        );
        let mut names: Vec<&str> = (0..m.children_count())
            .flat_map(|k| m.child_names(k))
            .collect();
        names.sort();
        let theirs: Vec<&str> = fields["children_names"]
            .iter()
            .map(String::as_str)
            .collect();
        assert_eq!(names, theirs, "{case}: names of the root's children");
        if fields.contains_key("length") {
            compare_arrays(case, &m, fields);
        }
        checked += 1;
    }
    assert_eq!(checked, 17, "every shared SWC file has a Brian2 reference");
}

/// Total length L from PROVENANCE.md (neurite-neurite plus soma-neurite links) is the length
/// of all sections that are not soma.
#[test]
fn swc_totals_match_the_provenance_table() {
    let cases = [
        ("mp_ma_40984_gc2.CNG.swc", 353, 1783.5886, 0.0),
        ("tc200.CNG.swc", 1219, 7158.1055, 46.8075),
        ("arbor_ball_and_stick.swc", 3, 206.3079, 0.0),
        ("arbor_example.swc", 4, 21.0, 2.0),
        ("arbor_single_cell_detailed.swc", 14, 648.8116, 40.0),
        ("arbor_pyramidal.swc", 5797, 10035.1422, 0.0),
        ("jaxley_morph_minimal.swc", 8, 10.6731, 1.2),
        ("jaxley_morph_ca1_n120.swc", 2630, 11890.5006, 20.8041),
        ("neurom_simple.swc", 9, 31.0, 0.0),
        ("edge/neurom_point_soma_single_neurite.swc", 5, 5.0, 0.0),
        ("edge/neurom_three_pt_soma.swc", 21, 38.245, 0.0),
    ];
    for (name, compartments, l, l_ss) in cases {
        let m = Morphology::from_swc_file(swc_path(name)).unwrap();
        assert_eq!(m.total_compartments(), compartments, "{name}");
        let flat = m.flatten();
        let length_of = |soma: bool| {
            flat.sections
                .iter()
                .filter(|s| !s.is_soma && (s.section_type.as_deref() == Some("soma")) == soma)
                .map(|s| flat.length[s.compartments.clone()].iter().sum::<f64>())
                .sum::<f64>()
                / UM
        };
        println!(
            "{name}: neurites {} um, soma chains {} um",
            length_of(false),
            length_of(true)
        );
        assert!(
            (length_of(false) - l).abs() < 1e-3,
            "{name}: neurites {} um, table {l} um",
            length_of(false)
        );
        // Soma chains hold at most the soma-soma links (lone soma samples become spheres).
        assert!(
            length_of(true) <= l_ss + 1e-3,
            "{name}: soma chains {} um",
            length_of(true)
        );
    }
}

#[test]
fn malformed_fixtures_are_rejected_with_their_line() {
    let cases = [
        (
            "edge/neurom_Neuron_missing_ids.swc",
            "io::swc_missing_parent",
            42,
        ),
        (
            "edge/neurom_multiple_somata.swc",
            "io::swc_several_roots",
            12,
        ),
        ("edge/neurom_repeated_id.swc", "io::swc_duplicate_id", 6),
        (
            "edge/neurom_simple_reversed.swc",
            "io::swc_missing_parent",
            26,
        ),
    ];
    for (name, code, line) in cases {
        let e = Morphology::from_swc_file(swc_path(name)).unwrap_err();
        assert_eq!(e.code(), code, "{name}: {e}");
        assert_eq!(e.line, Some(line), "{name}: {e}");
        assert!(e.to_string().contains(&format!("line {line}")), "{e}");
    }
    let missing = Morphology::from_swc_file(swc_path("nope.swc")).unwrap_err();
    assert_eq!(missing.code(), "io::read_failed");
    assert!(Morphology::from_file("cell.asc").is_err());
}
