//! The flattened morphology: every compartment of the tree in one set of arrays, in Brian2's
//! order (a section's compartments, then each child's subtree in turn), with distances and
//! absolute coordinates resolved. This is what a cable solver sees.

use crate::error::Result;
use crate::geometry::Point;
use crate::tree::Morphology;
use std::ops::Range;

/// One section in the flat arrays.
#[derive(Clone, Debug, PartialEq)]
pub struct FlatSection {
    /// Dotted path of given names (automatic numbers where none): `""`, `"dend"`, `"dend.L"`.
    pub path: String,
    /// Child indices from the root.
    pub index_path: Vec<usize>,
    pub section_type: Option<String>,
    pub is_soma: bool,
    /// Compartments of this section.
    pub compartments: Range<usize>,
    /// Compartments of this section and its whole subtree.
    pub subtree: Range<usize>,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    pub depth: usize,
    /// Distance from the root to the section's end (a soma adds nothing).
    pub end_distance: f64,
}

/// Per-compartment arrays (SI units) and the section table.
#[derive(Clone, Debug, PartialEq)]
pub struct FlatMorphology {
    pub length: Vec<f64>,
    pub diameter: Vec<f64>,
    pub area: Vec<f64>,
    pub volume: Vec<f64>,
    /// Distance from the root to each compartment's midpoint.
    pub distance: Vec<f64>,
    pub r_length_1: Vec<f64>,
    pub r_length_2: Vec<f64>,
    /// Start, midpoint and end of each compartment; `None` when no section has coordinates,
    /// NaN for sections without them in a tree that has some.
    pub start_point: Option<Vec<Point>>,
    pub point: Option<Vec<Point>>,
    pub end_point: Option<Vec<Point>>,
    pub sections: Vec<FlatSection>,
}

/// Values the children of a section need from it.
#[derive(Clone, Copy)]
struct ParentEnd {
    section: usize,
    end_distance: f64,
    last_distance: f64,
    end_point: Option<Point>,
}

impl FlatMorphology {
    pub fn new(morphology: &Morphology) -> FlatMorphology {
        let n = morphology.total_compartments();
        let mut flat = FlatMorphology {
            length: Vec::with_capacity(n),
            diameter: Vec::with_capacity(n),
            area: Vec::with_capacity(n),
            volume: Vec::with_capacity(n),
            distance: Vec::with_capacity(n),
            r_length_1: Vec::with_capacity(n),
            r_length_2: Vec::with_capacity(n),
            start_point: Some(Vec::with_capacity(n)),
            point: Some(Vec::with_capacity(n)),
            end_point: Some(Vec::with_capacity(n)),
            sections: Vec::new(),
        };
        let mut any_coordinates = false;
        flat.insert(
            morphology,
            None,
            String::new(),
            Vec::new(),
            0,
            &mut any_coordinates,
        );
        if !any_coordinates {
            flat.start_point = None;
            flat.point = None;
            flat.end_point = None;
        }
        flat
    }

    fn insert(
        &mut self,
        section: &Morphology,
        parent: Option<ParentEnd>,
        path: String,
        index_path: Vec<usize>,
        depth: usize,
        any_coordinates: &mut bool,
    ) -> Range<usize> {
        let g = section.geometry();
        let start = self.length.len();
        let lengths = g.lengths();
        self.length.extend_from_slice(lengths);
        self.diameter.extend(g.diameter());
        self.area.extend(g.area());
        self.volume.extend(g.volume());
        self.r_length_1.extend(g.r_length_1());
        self.r_length_2.extend(g.r_length_2());

        let parent_end_distance = parent.map_or(0.0, |p| p.end_distance);
        let (distances, end_distance) = if g.is_soma() {
            (
                vec![parent.map_or(0.0, |p| p.last_distance)],
                parent_end_distance,
            )
        } else {
            let mut acc = parent_end_distance;
            let d: Vec<f64> = lengths
                .iter()
                .map(|l| {
                    acc += l;
                    acc - 0.5 * l
                })
                .collect();
            let end =
                d.last().copied().unwrap_or(0.0) + 0.5 * lengths.last().copied().unwrap_or(0.0);
            (d, end)
        };
        self.distance.extend(&distances);

        // Absolute coordinates: a soma's are absolute, a section's relative to the parent's end.
        let end_point = match g.points() {
            None => {
                let nan = [f64::NAN; 3];
                for list in [&mut self.start_point, &mut self.point, &mut self.end_point]
                    .into_iter()
                    .flatten()
                {
                    list.extend(std::iter::repeat_n(nan, g.n()));
                }
                None
            }
            Some(points) => {
                *any_coordinates = true;
                let offset = if g.is_soma() {
                    [0.0; 3]
                } else {
                    parent.and_then(|p| p.end_point).unwrap_or([0.0; 3])
                };
                let abs: Vec<Point> = points
                    .iter()
                    .map(|p| [p[0] + offset[0], p[1] + offset[1], p[2] + offset[2]])
                    .collect();
                let (starts, ends): (Vec<Point>, Vec<Point>) = if g.is_soma() {
                    (abs.clone(), abs.clone())
                } else {
                    (abs[..abs.len() - 1].to_vec(), abs[1..].to_vec())
                };
                let mids: Vec<Point> = starts
                    .iter()
                    .zip(&ends)
                    .map(|(s, e)| [0, 1, 2].map(|c| s[c] + 0.5 * (e[c] - s[c])))
                    .collect();
                let last = *ends.last().expect("a section has compartments");
                if let Some(list) = &mut self.start_point {
                    list.extend(starts);
                }
                if let Some(list) = &mut self.point {
                    list.extend(mids);
                }
                if let Some(list) = &mut self.end_point {
                    list.extend(ends);
                }
                Some(last)
            }
        };

        let index = self.sections.len();
        let end = self.length.len();
        self.sections.push(FlatSection {
            path: path.clone(),
            index_path: index_path.clone(),
            section_type: section.section_type().map(String::from),
            is_soma: g.is_soma(),
            compartments: start..end,
            subtree: start..end,
            parent: parent.map(|p| p.section),
            children: Vec::new(),
            depth,
            end_distance,
        });
        let here = ParentEnd {
            section: index,
            end_distance,
            last_distance: *distances.last().expect("a section has compartments"),
            end_point,
        };
        let mut subtree_end = end;
        for (k, (name, child)) in section.children().enumerate() {
            let child_index = self.sections.len();
            self.sections[index].children.push(child_index);
            let name = name
                .map(String::from)
                .unwrap_or_else(|| (k + 1).to_string());
            let child_path = if path.is_empty() {
                name
            } else {
                format!("{path}.{name}")
            };
            let mut child_indices = index_path.clone();
            child_indices.push(k);
            let r = self.insert(
                child,
                Some(here),
                child_path,
                child_indices,
                depth + 1,
                any_coordinates,
            );
            subtree_end = r.end;
        }
        self.sections[index].subtree = start..subtree_end;
        start..subtree_end
    }

    /// Number of compartments.
    pub fn len(&self) -> usize {
        self.length.len()
    }

    pub fn is_empty(&self) -> bool {
        self.length.is_empty()
    }

    /// The section at `path` of `morphology` (the tree this was made from).
    pub fn section(&self, morphology: &Morphology, path: &str) -> Result<&FlatSection> {
        let indices = morphology.resolve(path)?;
        Ok(self
            .sections
            .iter()
            .find(|s| s.index_path == indices)
            .expect("every resolved path is a flattened section"))
    }
}

impl Morphology {
    /// Every compartment of the tree in Brian2's order (see [`FlatMorphology`]).
    pub fn flatten(&self) -> FlatMorphology {
        FlatMorphology::new(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::Extent;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1e-300)
    }

    #[test]
    fn order_distances_and_ranges() {
        let mut m = Morphology::soma(20e-6).unwrap();
        let dend = Morphology::cylinder(1e-6, 4, Extent::Length(vec![100e-6])).unwrap();
        m.add_child("dend", dend).unwrap();
        let tip = Morphology::cylinder(1e-6, 2, Extent::Length(vec![10e-6])).unwrap();
        m.add_child("axon", tip).unwrap();
        m.get_mut("dend")
            .unwrap()
            .add_child(
                "L",
                Morphology::cylinder(0.5e-6, 1, Extent::Length(vec![5e-6])).unwrap(),
            )
            .unwrap();
        let f = m.flatten();
        assert_eq!(f.len(), 8);
        let dend = f.section(&m, "dend").unwrap();
        assert_eq!(dend.compartments, 1..5);
        assert_eq!(dend.subtree, 1..6);
        assert_eq!(f.section(&m, "dend.L").unwrap().compartments, 5..6);
        assert_eq!(f.section(&m, "axon").unwrap().compartments, 6..8);
        assert!(close(f.distance[0], 0.0));
        assert!(close(f.distance[1], 12.5e-6));
        assert!(close(f.distance[5], 102.5e-6));
        assert!(close(f.distance[6], 2.5e-6));
        assert!(f.point.is_none());
    }

    #[test]
    fn coordinates_are_relative_to_the_parent_end() {
        let mut m = Morphology::soma_at(10e-6, [1e-6, 0.0, 0.0]).unwrap();
        let c = Morphology::cylinder(
            1e-6,
            2,
            Extent::Points(vec![[5e-6, 0.0, 0.0], [25e-6, 0.0, 0.0]]),
        )
        .unwrap();
        m.add_child("dend", c).unwrap();
        let f = m.flatten();
        let start = f.start_point.as_ref().unwrap();
        let mid = f.point.as_ref().unwrap();
        assert!(close(start[1][0], 6e-6));
        assert!(close(mid[2][0], 21e-6));
        assert!(close(f.distance[1], 5e-6));
    }
}
