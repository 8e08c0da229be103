//! SWC files (`index type x y z radius parent`, µm), converted as Brian2's
//! `Morphology.from_swc_file` does:
//!
//! - one compartment per SWC segment: a sample with a parent ends a compartment that starts
//!   at the parent; unbranched runs of samples of one type form a section;
//! - a soma sample on its own (a root with several children, or a lone branch) becomes a
//!   spherical `Soma`; a NeuroMorpho three-point soma (a root
//!   soma sample with exactly two childless soma children one radius away) becomes one
//!   sphere; other soma samples form sections of type `soma`;
//! - with `spherical_soma = false` (Brian2's argument) no soma sample becomes a sphere and
//!   three-point somata are kept as they are: every run of samples is a section, so a root
//!   soma must have at least two samples in a row;
//! - a section starting at a soma takes its own first diameter, otherwise the parent's;
//! - sections are named by type (`soma`, `axon`, `dend`, `apic`; `dend2`, ... when taken) and
//!   also `L`/`R` (one or two children) or `1`, `2`, ... (more).
//!
//! Unlike Brian2, inline `# comments` after the seven fields are accepted. Parents must come
//! before their children (as Brian2 requires); every problem is an error with its line number.

use crate::error::{ErrorKind, MorphologyError, Result};
use crate::geometry::{Extent, Geometry, Point};
use crate::tree::Morphology;
use std::collections::HashMap;
use std::path::Path;

const MICRO: f64 = 1e-6;

/// One SWC sample as read (µm, diameter = 2 * radius), with its line number.
#[derive(Clone, Debug, PartialEq)]
pub struct SwcSample {
    pub id: i64,
    pub type_code: i64,
    pub point: Point,
    pub diameter: f64,
    pub parent: i64,
    pub line: usize,
}

impl SwcSample {
    /// Brian2's section names for SWC types; other types give unnamed sections.
    pub fn type_name(&self) -> Option<&'static str> {
        match self.type_code {
            1 => Some("soma"),
            2 => Some("axon"),
            3 => Some("dend"),
            4 => Some("apic"),
            _ => None,
        }
    }

    fn is_soma(&self) -> bool {
        self.type_code == 1
    }
}

fn malformed(line: usize, message: String) -> MorphologyError {
    MorphologyError::at_line(ErrorKind::SwcMalformedLine, line, message)
}

fn parse_integer(field: &str, what: &str, line: usize) -> Result<i64> {
    if let Ok(v) = field.parse::<i64>() {
        return Ok(v);
    }
    match field.parse::<f64>() {
        Ok(v) if v.fract() == 0.0 && v.abs() < 1e15 => Ok(v as i64),
        _ => Err(malformed(
            line,
            format!("the {what} '{field}' is not an integer"),
        )),
    }
}

fn parse_number(field: &str, what: &str, line: usize) -> Result<f64> {
    match field.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(malformed(
            line,
            format!("the {what} '{field}' is not a finite number"),
        )),
    }
}

/// Reads the samples of an SWC text: blank lines and `#` comments (whole-line or after the
/// fields) are skipped, fields are separated by any whitespace, CRLF is fine.
pub fn parse_samples(text: &str) -> Result<Vec<SwcSample>> {
    let mut samples = Vec::new();
    for (k, raw) in text.lines().enumerate() {
        let line = k + 1;
        let content = raw.split('#').next().unwrap_or("").trim();
        if content.is_empty() {
            continue;
        }
        let fields: Vec<&str> = content.split_whitespace().collect();
        if fields.len() != 7 {
            return Err(malformed(
                line,
                format!(
                    "each line of an SWC file has to contain 7 space-separated entries \
                     (index type x y z radius parent), but this one contains {}",
                    fields.len()
                ),
            ));
        }
        let radius = parse_number(fields[5], "radius", line)?;
        if radius < 0.0 {
            return Err(malformed(line, format!("the radius {radius} is negative")));
        }
        samples.push(SwcSample {
            id: parse_integer(fields[0], "index", line)?,
            type_code: parse_integer(fields[1], "type", line)?,
            point: [
                parse_number(fields[2], "x coordinate", line)?,
                parse_number(fields[3], "y coordinate", line)?,
                parse_number(fields[4], "z coordinate", line)?,
            ],
            diameter: 2.0 * radius,
            parent: parse_integer(fields[6], "parent", line)?,
            line,
        });
    }
    Ok(samples)
}

/// A sample in the tree being converted (indices into the sample list).
struct Node {
    children: Vec<usize>,
}

/// Checks ids and parents and links the samples into a tree rooted at sample 0.
fn link(samples: &[SwcSample]) -> Result<Vec<Node>> {
    if samples.is_empty() {
        return Err(MorphologyError::new(
            ErrorKind::SwcEmpty,
            "the SWC text has no samples",
        ));
    }
    let mut by_id: HashMap<i64, usize> = HashMap::with_capacity(samples.len());
    let mut first_line: HashMap<i64, usize> = HashMap::new();
    for s in samples {
        first_line.entry(s.id).or_insert(s.line);
    }
    let mut nodes: Vec<Node> = Vec::with_capacity(samples.len());
    for (k, s) in samples.iter().enumerate() {
        if let Some(&earlier) = by_id.get(&s.id) {
            return Err(MorphologyError::at_line(
                ErrorKind::SwcDuplicateId,
                s.line,
                format!(
                    "sample {} is defined twice (first on line {})",
                    s.id, samples[earlier].line
                ),
            ));
        }
        if s.parent == s.id {
            return Err(MorphologyError::at_line(
                ErrorKind::SwcMissingParent,
                s.line,
                format!("sample {} lists itself as its parent", s.id),
            ));
        }
        let parent = if s.parent == -1 {
            if k != 0 {
                return Err(MorphologyError::at_line(
                    ErrorKind::SwcSeveralRoots,
                    s.line,
                    format!(
                        "sample {} is a second root (parent -1); the root is sample {} on line {}",
                        s.id, samples[0].id, samples[0].line
                    ),
                ));
            }
            None
        } else if let Some(&p) = by_id.get(&s.parent) {
            if k == 0 {
                unreachable!("no sample is defined before the first one");
            }
            Some(p)
        } else {
            let message = match first_line.get(&s.parent) {
                Some(later) => format!(
                    "the parent {} of sample {} is defined later (line {later}); \
                     parents must come before their children",
                    s.parent, s.id
                ),
                None if k == 0 => format!(
                    "the first sample ({}) must be the root (parent -1), but its parent is {}",
                    s.id, s.parent
                ),
                None => format!("the parent {} of sample {} does not exist", s.parent, s.id),
            };
            return Err(MorphologyError::at_line(
                ErrorKind::SwcMissingParent,
                s.line,
                message,
            ));
        };
        by_id.insert(s.id, k);
        nodes.push(Node {
            children: Vec::new(),
        });
        if let Some(p) = parent {
            nodes[p].children.push(k);
        }
    }
    Ok(nodes)
}

/// Replaces a NeuroMorpho three-point soma at the root by its centre sample (Brian2's
/// `_replace_three_point_soma`); returns whether it did.
fn replace_three_point_soma(samples: &[SwcSample], nodes: &mut [Node]) -> Result<bool> {
    if !samples[0].is_soma() {
        return Ok(false);
    }
    let soma_children: Vec<usize> = nodes[0]
        .children
        .iter()
        .copied()
        .filter(|&c| samples[c].is_soma())
        .collect();
    if soma_children.len() != 2 || soma_children.iter().any(|&c| !nodes[c].children.is_empty()) {
        return Ok(false);
    }
    let centre = &samples[0];
    let lines = || {
        format!(
            "lines {}, {} and {}",
            centre.line, samples[soma_children[0]].line, samples[soma_children[1]].line
        )
    };
    if soma_children
        .iter()
        .any(|&c| (samples[c].diameter - centre.diameter).abs() >= 1e-15)
    {
        return Err(MorphologyError::at_line(
            ErrorKind::SwcInvalidSoma,
            centre.line,
            format!(
                "found a three-point soma ({}), but not all the diameters are identical",
                lines()
            ),
        ));
    }
    let radius = centre.diameter / 2.0;
    let distance = |c: usize| {
        let (a, b) = (centre.point, samples[c].point);
        ((b[0] - a[0]).powi(2) + (b[1] - a[1]).powi(2) + (b[2] - a[2]).powi(2)).sqrt()
    };
    let (l1, l2) = (distance(soma_children[0]), distance(soma_children[1]));
    if (l1 - radius).abs() > 0.1 || (l2 - radius).abs() > 0.1 {
        return Err(MorphologyError::at_line(
            ErrorKind::SwcInvalidSoma,
            centre.line,
            format!(
                "cannot replace the three-point soma ({}) by a single point: the second and \
                 third points should be one radius away from the first; distances are \
                 {l1:.3} um and {l2:.3} um, the radius is {radius:.3} um",
                lines()
            ),
        ));
    }
    nodes[0].children.retain(|c| !soma_children.contains(c));
    Ok(true)
}

/// An unbranched run of samples of one type that becomes a section.
struct Run {
    samples: Vec<usize>,
    /// The sample the run hangs from, and the section that sample ended.
    parent: Option<(usize, usize)>,
}

/// Cuts the tree into runs, in Brian2's (depth-first) order.
fn runs(samples: &[SwcSample], nodes: &[Node]) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::new();
    let mut stack: Vec<(usize, Option<(usize, usize)>)> = vec![(0, None)];
    while let Some((first, parent)) = stack.pop() {
        let mut run = vec![first];
        let mut current = first;
        loop {
            let children = &nodes[current].children;
            if children.len() != 1 || samples[children[0]].type_code != samples[current].type_code {
                break;
            }
            current = children[0];
            run.push(current);
        }
        let index = out.len();
        out.push(Run {
            samples: run,
            parent,
        });
        for &child in nodes[current].children.iter().rev() {
            stack.push((child, Some((current, index))));
        }
    }
    out
}

fn run_geometry(samples: &[SwcSample], run: &Run, spherical_soma: bool) -> Result<Geometry> {
    let first = &samples[run.samples[0]];
    let scaled = |p: Point| p.map(|c| c * MICRO);
    // Brian2 makes every lone soma sample a sphere, wherever it hangs (its diameter may be
    // zero in odd files; a SpatialNeuron rejects that later).
    if spherical_soma && run.samples.len() == 1 && first.is_soma() {
        return Ok(Geometry::Soma {
            diameter: first.diameter * MICRO,
            position: Some(scaled(first.point)),
        });
    }
    let run_samples: Vec<&SwcSample> = run.samples.iter().map(|&k| &samples[k]).collect();
    let (diameters, points) = match run.parent {
        Some((p, _)) => {
            let parent = &samples[p];
            let start_diameter = if parent.is_soma() {
                first.diameter
            } else {
                parent.diameter
            };
            let mut diameters = vec![start_diameter];
            diameters.extend(run_samples.iter().map(|s| s.diameter));
            let mut points = vec![[0.0; 3]];
            points.extend(
                run_samples
                    .iter()
                    .map(|s| [0, 1, 2].map(|c| s.point[c] - parent.point[c])),
            );
            (diameters, points)
        }
        None => {
            if run_samples.len() < 2 {
                let what = if first.is_soma() {
                    "is a soma sample followed by no other soma sample; with \
                     spherical_soma=False it must be a section of at least two samples \
                     (or use spherical_soma=True)"
                } else {
                    "is not a soma and branches at once"
                };
                return Err(MorphologyError::at_line(
                    ErrorKind::InvalidGeometry,
                    first.line,
                    format!(
                        "the root sample {} {what}, so its section has no segment",
                        first.id
                    ),
                ));
            }
            let diameters = run_samples.iter().map(|s| s.diameter).collect();
            let points = run_samples.iter().map(|s| s.point).collect();
            (diameters, points)
        }
    };
    let n = points.len() - 1;
    let diameters: Vec<f64> = diameters.into_iter().map(|d: f64| d * MICRO).collect();
    let points: Vec<Point> = points.into_iter().map(scaled).collect();
    Geometry::section_unchecked(diameters, n, Extent::Points(points))
}

/// Builds the morphology from samples (Brian2's `Morphology.from_points` with SWC types).
pub fn morphology_from_samples(samples: &[SwcSample]) -> Result<Morphology> {
    morphology_from_samples_with(samples, true)
}

/// As [`morphology_from_samples`]; `spherical_soma = false` keeps every soma sample in a
/// section (Brian2's `spherical_soma` argument).
pub fn morphology_from_samples_with(
    samples: &[SwcSample],
    spherical_soma: bool,
) -> Result<Morphology> {
    let mut nodes = link(samples)?;
    if spherical_soma {
        replace_three_point_soma(samples, &mut nodes)?;
    }
    let runs = runs(samples, &nodes);
    let mut built: Vec<Option<Morphology>> = Vec::with_capacity(runs.len());
    for run in &runs {
        let last = &samples[*run.samples.last().expect("runs are not empty")];
        let mut m = Morphology::from_geometry(run_geometry(samples, run, spherical_soma)?);
        if let Some(name) = last.type_name() {
            m = m.with_type(name);
        }
        built.push(Some(m));
    }
    // Children come after their parent in `runs`, so attach from the end: every section is
    // complete before it moves into its parent. Children keep their depth-first order.
    let mut pending: Vec<Vec<usize>> = vec![Vec::new(); runs.len()];
    for (k, run) in runs.iter().enumerate() {
        if let Some((_, parent_section)) = run.parent {
            pending[parent_section].push(k);
        }
    }
    for k in (0..runs.len()).rev() {
        let children = std::mem::take(&mut pending[k]);
        let mut section = built[k].take().expect("each section is attached once");
        let count = children.len();
        for (nth, &c) in children.iter().enumerate() {
            let child = built[c].take().expect("children are built before parents");
            let name = samples[*runs[c].samples.last().expect("runs are not empty")].type_name();
            let index = section.add_child_renaming(name, child);
            let alias = if count <= 2 {
                if nth == 0 { "L" } else { "R" }.to_string()
            } else {
                (nth + 1).to_string()
            };
            section.alias(&alias, index);
        }
        built[k] = Some(section);
    }
    Ok(built[0].take().expect("the root section exists"))
}

impl Morphology {
    /// Reads an SWC text (see the module documentation for the conversion rules).
    pub fn from_swc_str(text: &str) -> Result<Morphology> {
        morphology_from_samples(&parse_samples(text)?)
    }

    /// As [`Morphology::from_swc_str`]; `spherical_soma = false` keeps soma samples in
    /// sections (Brian2's `spherical_soma`).
    pub fn from_swc_str_with(text: &str, spherical_soma: bool) -> Result<Morphology> {
        morphology_from_samples_with(&parse_samples(text)?, spherical_soma)
    }

    /// Reads an SWC file.
    pub fn from_swc_file(path: impl AsRef<Path>) -> Result<Morphology> {
        Morphology::from_swc_file_with(path, true)
    }

    /// As [`Morphology::from_swc_file`]; `spherical_soma = false` keeps soma samples in
    /// sections (Brian2's `spherical_soma`).
    pub fn from_swc_file_with(path: impl AsRef<Path>, spherical_soma: bool) -> Result<Morphology> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| {
            MorphologyError::new(
                ErrorKind::Io,
                format!("cannot read {}: {e}", path.display()),
            )
        })?;
        // Headers sometimes hold non-UTF-8 names; the data lines are ASCII.
        let text = String::from_utf8_lossy(&bytes);
        Morphology::from_swc_str_with(&text, spherical_soma).map_err(|mut e| {
            e.message = format!("{}: {}", path.display(), e.message);
            e
        })
    }

    /// Brian2's `Morphology.from_file`: SWC is the only format.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Morphology> {
        let path = path.as_ref();
        let is_swc = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("swc"));
        if !is_swc {
            return Err(MorphologyError::new(
                ErrorKind::Io,
                format!(
                    "{}: SWC (.swc) is the only supported morphology format",
                    path.display()
                ),
            ));
        }
        Morphology::from_swc_file(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ball_and_stick() {
        let m = Morphology::from_swc_str(
            "# comment\n\n1 1 0 0 0 5 -1\r\n2\t3 10 0 0 1 1 # inline\n3 3 20 0 0 1 2\n",
        )
        .unwrap();
        assert!(m.geometry().is_soma());
        assert_eq!(m.total_compartments(), 3);
        let dend = m.get("dend").unwrap();
        assert_eq!(dend.n(), 2);
        assert!((dend.length()[0] - 10e-6).abs() < 1e-18);
        assert_eq!(m.get("L").unwrap().n(), 2);
        // The first compartment after a soma starts with its own diameter.
        assert!((dend.diameter()[0] - 2e-6).abs() < 1e-18);
    }

    #[test]
    fn errors_name_their_line() {
        let cases = [
            ("1 1 0 0 0 5 -1\n2 3 1 0 0 1\n", "io::swc_malformed_line", 2),
            (
                "1 1 0 0 0 5 -1\n2 3 1 0 0 1 1\n2 3 1 0 0 1 1\n",
                "io::swc_duplicate_id",
                3,
            ),
            (
                "1 1 0 0 0 5 -1\n2 3 1 0 0 1 7\n",
                "io::swc_missing_parent",
                2,
            ),
            (
                "1 1 0 0 0 5 -1\n2 3 1 0 0 1 3\n3 3 1 0 0 1 1\n",
                "io::swc_missing_parent",
                2,
            ),
            (
                "1 1 0 0 0 5 -1\n2 1 9 0 0 5 -1\n",
                "io::swc_several_roots",
                2,
            ),
            ("1 1 0 0 x 5 -1\n", "io::swc_malformed_line", 1),
            ("# nothing\n", "io::swc_empty", 0),
        ];
        for (text, code, line) in cases {
            let e = Morphology::from_swc_str(text).unwrap_err();
            assert_eq!(e.code(), code, "{text:?}: {e}");
            assert_eq!(e.line.unwrap_or(0), line, "{text:?}: {e}");
        }
        let later =
            Morphology::from_swc_str("1 1 0 0 0 5 -1\n2 3 1 0 0 1 3\n3 3 1 0 0 1 1\n").unwrap_err();
        assert!(later.message.contains("defined later (line 3)"), "{later}");
    }

    #[test]
    fn spherical_soma_false_keeps_soma_samples_in_sections() {
        // A two-sample root soma, a dendrite, and a lone soma sample hanging from it.
        // Brian2 2.9 `from_points(..., spherical_soma=False)`: 4 compartments in 4 sections,
        // `dend.soma` a cone of length 8 um from diameter 2 to 6 (area 103.62494675 um^2);
        // with `spherical_soma=True` it is a sphere of diameter 6 (area 113.09733553 um^2).
        let text = "1 1 0 0 0 5 -1\n2 1 5 0 0 6 1\n3 3 15 0 0 1 2\n4 1 15 8 0 3 3\n\
                    5 3 25 0 0 1 3\n";
        let area = |m: &Morphology| m.get("dend.soma").unwrap().area()[0] * 1e12;
        let sections = Morphology::from_swc_str_with(text, false).unwrap();
        assert_eq!(
            (sections.total_compartments(), sections.total_sections()),
            (4, 4)
        );
        let soma = sections.get("dend.soma").unwrap();
        assert!(!soma.geometry().is_soma());
        assert!((soma.length()[0] - 8e-6).abs() < 1e-15);
        assert!((area(&sections) - 103.62494675).abs() < 1e-6);
        let spheres = Morphology::from_swc_str_with(text, true).unwrap();
        assert!(spheres.get("dend.soma").unwrap().geometry().is_soma());
        assert!((area(&spheres) - 113.09733553).abs() < 1e-6);
        // A root soma of one sample cannot be a section (Brian2: "n has to be at least 1").
        let three_point = "1 1 0 0 0 2 -1\n2 1 0 -2 0 2 1\n3 1 0 2 0 2 1\n4 3 0 0 5 0.5 1\n";
        let e = Morphology::from_swc_str_with(three_point, false).unwrap_err();
        assert!(e.to_string().contains("spherical_soma=False"), "{e}");
        assert!(e.to_string().contains("line 1"), "{e}");
    }

    #[test]
    fn three_point_soma_becomes_a_sphere() {
        let text = "1 1 0 0 0 2 -1\n2 1 0 -2 0 2 1\n3 1 0 2 0 2 1\n4 3 0 0 5 0.5 1\n";
        let m = Morphology::from_swc_str(text).unwrap();
        assert!(m.geometry().is_soma());
        assert_eq!(m.total_compartments(), 2);
        let bad = "1 1 0 0 0 2 -1\n2 1 0 -5 0 2 1\n3 1 0 2 0 2 1\n";
        assert_eq!(
            Morphology::from_swc_str(bad).unwrap_err().code(),
            "io::swc_invalid_soma"
        );
    }
}
