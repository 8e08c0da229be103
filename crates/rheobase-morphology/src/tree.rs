//! `Morphology`: a tree of sections, named as in Brian2.
//!
//! Each child gets an automatic name (`"1"`, `"2"`, ... in insertion order) and usually a
//! given one (`"dend"`, `"L"`). A path such as `"LRL"` or `"121"` (two or more characters
//! from `LR123456789`) walks down child by child, like Brian2's `morpho['LRL']`; a dotted path
//! (`"dend.L"`) walks down by full names.

use crate::error::{ErrorKind, MorphologyError, Result};
use crate::geometry::{Extent, Geometry, Point};

/// An unbranched section and the subtrees attached to its end.
#[derive(Clone, Debug, PartialEq)]
pub struct Morphology {
    geometry: Geometry,
    section_type: Option<String>,
    children: Vec<Morphology>,
    /// The name each child was attached with (`None` for unnamed SWC types).
    given_names: Vec<Option<String>>,
    /// Every name (given, automatic, aliases) to a child index.
    names: Vec<(String, usize)>,
}

fn is_short_path(path: &str) -> bool {
    path.len() > 1 && path.chars().all(|c| "LR123456789".contains(c))
}

fn unknown(name: &str) -> MorphologyError {
    MorphologyError::new(
        ErrorKind::UnknownSection,
        format!("the subtree '{name}' does not exist"),
    )
}

impl Morphology {
    pub fn from_geometry(geometry: Geometry) -> Morphology {
        let section_type = geometry.is_soma().then(|| "soma".to_string());
        Morphology {
            geometry,
            section_type,
            children: Vec::new(),
            given_names: Vec::new(),
            names: Vec::new(),
        }
    }

    /// Brian2's `Soma(diameter)`.
    pub fn soma(diameter: f64) -> Result<Morphology> {
        Ok(Morphology::from_geometry(Geometry::soma(diameter, None)?))
    }

    /// Brian2's `Soma(diameter, x, y, z)`.
    pub fn soma_at(diameter: f64, position: Point) -> Result<Morphology> {
        Ok(Morphology::from_geometry(Geometry::soma(
            diameter,
            Some(position),
        )?))
    }

    /// Brian2's `Cylinder(diameter, n, length=...)` or `Cylinder(diameter, n, x=..., y=..., z=...)`.
    pub fn cylinder(diameter: f64, n: usize, extent: Extent) -> Result<Morphology> {
        Ok(Morphology::from_geometry(Geometry::cylinder(
            diameter, n, extent,
        )?))
    }

    /// Brian2's `Section(diameter=[n+1 values], n, length=[n values] | x, y, z)`.
    pub fn section(diameters: Vec<f64>, n: usize, extent: Extent) -> Result<Morphology> {
        Ok(Morphology::from_geometry(Geometry::section(
            diameters, n, extent,
        )?))
    }

    /// Sets the section's type (`"soma"`, `"axon"`, `"dend"`, ...).
    pub fn with_type(mut self, section_type: impl Into<String>) -> Morphology {
        self.section_type = Some(section_type.into());
        self
    }

    pub fn section_type(&self) -> Option<&str> {
        self.section_type.as_deref()
    }

    pub fn geometry(&self) -> &Geometry {
        &self.geometry
    }

    /// Number of compartments in this section.
    pub fn n(&self) -> usize {
        self.geometry.n()
    }

    /// Compartments in this section and every section below it.
    pub fn total_compartments(&self) -> usize {
        self.n()
            + self
                .children
                .iter()
                .map(Morphology::total_compartments)
                .sum::<usize>()
    }

    pub fn total_sections(&self) -> usize {
        1 + self
            .children
            .iter()
            .map(Morphology::total_sections)
            .sum::<usize>()
    }

    pub fn length(&self) -> Vec<f64> {
        self.geometry.lengths().to_vec()
    }
    pub fn diameter(&self) -> Vec<f64> {
        self.geometry.diameter()
    }
    pub fn area(&self) -> Vec<f64> {
        self.geometry.area()
    }
    pub fn volume(&self) -> Vec<f64> {
        self.geometry.volume()
    }
    pub fn r_length_1(&self) -> Vec<f64> {
        self.geometry.r_length_1()
    }
    pub fn r_length_2(&self) -> Vec<f64> {
        self.geometry.r_length_2()
    }

    /// The children in order, with the name each was attached with.
    pub fn children(&self) -> impl Iterator<Item = (Option<&str>, &Morphology)> {
        self.given_names
            .iter()
            .map(Option::as_deref)
            .zip(self.children.iter())
    }

    pub fn children_count(&self) -> usize {
        self.children.len()
    }

    /// Every name a child answers to (given, automatic and aliases).
    pub fn child_names(&self, k: usize) -> Vec<&str> {
        self.names
            .iter()
            .filter(|(_, i)| *i == k)
            .map(|(n, _)| n.as_str())
            .collect()
    }

    fn index_of(&self, name: &str) -> Option<usize> {
        self.names.iter().find(|(n, _)| n == name).map(|(_, k)| *k)
    }

    /// Attaches `child` under `name` (Brian2's `morpho.dend = ...` or `morpho['LR'] = ...`:
    /// a short path attaches below an existing child). A name in use is an error.
    pub fn add_child(&mut self, name: &str, child: Morphology) -> Result<()> {
        if is_short_path(name) {
            let (first, rest) = name.split_at(1);
            let k = self.index_of(first).ok_or_else(|| unknown(first))?;
            return self.children[k].add_child(rest, child);
        }
        if name.is_empty() || name.contains('.') {
            return Err(MorphologyError::new(
                ErrorKind::UnknownSection,
                format!("'{name}' is not a valid subtree name"),
            ));
        }
        if self.index_of(name).is_some() {
            return Err(MorphologyError::new(
                ErrorKind::UnknownSection,
                format!("the name {name} is already used for a subtree"),
            ));
        }
        self.attach(Some(name.to_string()), child);
        Ok(())
    }

    /// Attaches `child`, renaming `name` to `name2`, `name3`, ... if it is taken (as SWC
    /// import does); returns the child's index.
    pub(crate) fn add_child_renaming(&mut self, name: Option<&str>, child: Morphology) -> usize {
        let name = name.map(|base| {
            let mut candidate = base.to_string();
            let mut counter = 1;
            while self.index_of(&candidate).is_some() {
                counter += 1;
                candidate = format!("{base}{counter}");
            }
            candidate
        });
        self.attach(name, child)
    }

    /// Adds another name for child `k` (the `L`/`R` names of SWC import) unless it is taken.
    pub(crate) fn alias(&mut self, name: &str, k: usize) {
        if self.index_of(name).is_none() {
            self.names.push((name.to_string(), k));
        }
    }

    fn attach(&mut self, name: Option<String>, child: Morphology) -> usize {
        let k = self.children.len();
        self.children.push(child);
        self.names.push(((k + 1).to_string(), k));
        if let Some(name) = &name {
            if self.index_of(name).is_none() {
                self.names.push((name.clone(), k));
            }
        }
        self.given_names.push(name);
        k
    }

    /// Removes the subtree `name` (Brian2's `del morpho.dend`).
    pub fn remove_child(&mut self, name: &str) -> Result<Morphology> {
        let k = self.index_of(name).ok_or_else(|| unknown(name))?;
        let child = self.children.remove(k);
        self.given_names.remove(k);
        self.names.retain(|(_, i)| *i != k);
        for (_, i) in &mut self.names {
            if *i > k {
                *i -= 1;
            }
        }
        Ok(child)
    }

    /// Child indices along `path` (`"dend"`, `"LRL"`, `"dend.L"`, `""` for this section).
    pub fn resolve(&self, path: &str) -> Result<Vec<usize>> {
        let mut out = Vec::new();
        let mut node = self;
        for part in path.split('.').filter(|p| !p.is_empty()) {
            let steps: Vec<String> = if node.index_of(part).is_none() && is_short_path(part) {
                part.chars().map(String::from).collect()
            } else {
                vec![part.to_string()]
            };
            for step in steps {
                let k = node.index_of(&step).ok_or_else(|| unknown(path))?;
                out.push(k);
                node = &node.children[k];
            }
        }
        Ok(out)
    }

    /// The subtree at `path` (Brian2's `morpho.dend.L`, `morpho['LRL']`).
    pub fn get(&self, path: &str) -> Result<&Morphology> {
        let steps = self.resolve(path)?;
        Ok(steps.iter().fold(self, |node, &k| &node.children[k]))
    }

    pub fn get_mut(&mut self, path: &str) -> Result<&mut Morphology> {
        let steps = self.resolve(path)?;
        Ok(steps.iter().fold(self, |node, &k| &mut node.children[k]))
    }

    /// Brian2's `topology()`: one line per section, indented by depth, `( )` for a soma and
    /// one `-` per compartment for other sections.
    pub fn topology(&self) -> String {
        let mut out = String::new();
        self.write_topology(&mut out, 0, "", false);
        out
    }

    fn write_topology(&self, out: &mut String, indent: usize, path: &str, has_parent: bool) {
        let length = self.n().max(1);
        out.push_str(&" ".repeat(indent));
        if has_parent {
            out.push('`');
        }
        if self.geometry.is_soma() {
            out.push_str("( )");
        } else {
            out.push_str(&"-".repeat(length));
            out.push('|');
        }
        if path.is_empty() {
            out.push_str("  [root] \n");
        } else {
            out.push_str(&format!("  {path}\n"));
        }
        for (name, child) in self.children() {
            let child_path = format!("{path}.{}", name.unwrap_or("None"));
            child.write_topology(out, indent + 2 + length, &child_path, true);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cyl(n: usize) -> Morphology {
        Morphology::cylinder(1e-6, n, Extent::Length(vec![10e-6])).unwrap()
    }

    #[test]
    fn children_by_name_number_and_short_path() {
        let mut m = Morphology::soma(30e-6).unwrap();
        m.add_child("L", cyl(2)).unwrap();
        m.add_child("R", cyl(3)).unwrap();
        m.add_child("LL", cyl(4)).unwrap();
        m.add_child("LR", cyl(5)).unwrap();
        assert_eq!(m.get("R").unwrap().n(), 3);
        assert_eq!(m.get("2").unwrap().n(), 3);
        assert_eq!(m.get("LR").unwrap().n(), 5);
        assert_eq!(m.get("L.R").unwrap().n(), 5);
        assert_eq!(m.get("12").unwrap().n(), 5);
        assert_eq!(m.total_compartments(), 1 + 2 + 3 + 4 + 5);
        assert_eq!(m.total_sections(), 5);
        let e = m.get("dend").unwrap_err();
        assert_eq!(e.code(), "model::unknown_section");
        assert!(m.add_child("L", cyl(1)).is_err());
    }

    #[test]
    fn renaming_and_removal() {
        let mut m = Morphology::soma(30e-6).unwrap();
        m.add_child_renaming(Some("dend"), cyl(1));
        m.add_child_renaming(Some("dend"), cyl(2));
        assert_eq!(m.get("dend2").unwrap().n(), 2);
        let removed = m.remove_child("dend").unwrap();
        assert_eq!(removed.n(), 1);
        assert_eq!(m.get("dend2").unwrap().n(), 2);
        assert_eq!(m.total_sections(), 2);
    }

    #[test]
    fn topology_looks_like_brian2() {
        let mut m = Morphology::soma(30e-6).unwrap();
        m.add_child("axon", cyl(3)).unwrap();
        m.add_child("dend", cyl(2)).unwrap();
        m.add_child("dendL", cyl(1)).unwrap();
        assert_eq!(
            m.topology(),
            "( )  [root] \n   `---|  .axon\n   `--|  .dend\n   `-|  .dendL\n"
        );
    }
}
