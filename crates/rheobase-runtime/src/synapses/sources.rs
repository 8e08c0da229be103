//! The source index of each new synapse, in creation order.
//!
//! Connect makes all of a source's synapses one after another (Brian2's order is source,
//! then target), so the sources of 10^8 new synapses are usually 10^6 runs: kept as
//! (source, count) pairs they take 8 MB instead of a 400 MB array whose pages the system
//! would have to hand out and zero. Where runs turn out short (explicit index arrays in any
//! order), the list switches to one index per synapse, which is then the smaller form.

/// Runs at least this many before the list may switch to one index per synapse.
const RUNS_BEFORE_SWITCH: usize = 1024;

#[derive(Clone, Debug)]
enum Form {
    /// (source, count) in creation order; `len` is the sum of the counts.
    Runs { runs: Vec<(i32, u32)>, len: usize },
    /// One source index per synapse.
    Each(Vec<i32>),
}

/// Source indices of new synapses, in creation order (see the module comment).
#[derive(Clone, Debug)]
pub struct Sources {
    form: Form,
    /// How many synapses the caller expects in all (reserved when switching forms).
    expected: usize,
}

impl Default for Sources {
    fn default() -> Self {
        Sources {
            form: Form::Runs {
                runs: Vec::new(),
                len: 0,
            },
            expected: 0,
        }
    }
}

impl Sources {
    pub fn len(&self) -> usize {
        match &self.form {
            Form::Runs { len, .. } => *len,
            Form::Each(each) => each.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A hint that about `additional` more synapses will follow.
    pub fn reserve(&mut self, additional: usize) {
        self.expected = self.len() + additional;
        if let Form::Each(each) = &mut self.form {
            each.reserve(additional);
        }
    }

    /// One more synapse from `source`.
    #[inline]
    pub fn push(&mut self, source: i32) {
        // The common case first: another synapse of the current run.
        if let Form::Runs { runs, len } = &mut self.form {
            if let Some((last, n)) = runs.last_mut() {
                if *last == source && *n < u32::MAX {
                    *n += 1;
                    *len += 1;
                    return;
                }
            }
        }
        self.push_many(source, 1);
    }

    /// `count` more synapses from `source`.
    pub fn push_many(&mut self, source: i32, count: u32) {
        if count == 0 {
            return;
        }
        match &mut self.form {
            Form::Runs { runs, len } => {
                *len += count as usize;
                match runs.last_mut() {
                    Some((last, n)) if *last == source && *n <= u32::MAX - count => *n += count,
                    _ => {
                        runs.push((source, count));
                        // Runs of fewer than two synapses take more room than one index each.
                        if runs.len() >= RUNS_BEFORE_SWITCH && runs.len() * 2 > *len {
                            self.switch_to_each();
                        }
                    }
                }
            }
            Form::Each(each) => each.extend(std::iter::repeat_n(source, count as usize)),
        }
    }

    fn switch_to_each(&mut self) {
        let mut each = Vec::with_capacity(self.expected.max(self.len()));
        each.extend(self.iter());
        self.form = Form::Each(each);
    }

    /// The sources as (source, count) runs of equal consecutive values, in creation order.
    /// Consecutive runs may name the same source (a count too big for one run).
    pub fn runs(&self) -> Runs<'_> {
        match &self.form {
            Form::Runs { runs, .. } => Runs::Counted(runs.iter().map(|&(s, n)| (s, n as usize))),
            Form::Each(each) => Runs::Each(
                each.chunk_by(same as fn(&i32, &i32) -> bool)
                    .map(|c: &[i32]| (c[0], c.len())),
            ),
        }
    }

    /// The source of each synapse.
    pub fn iter(&self) -> Iter<'_> {
        match &self.form {
            Form::Runs { runs, .. } => Iter::Counted(
                runs.iter()
                    .flat_map(|&(s, n)| std::iter::repeat_n(s, n as usize)),
            ),
            Form::Each(each) => Iter::Each(each.iter().copied()),
        }
    }

    pub fn to_vec(&self) -> Vec<i32> {
        match &self.form {
            Form::Runs { .. } => self.iter().collect(),
            Form::Each(each) => each.clone(),
        }
    }

    /// Whether the sources never decrease.
    pub fn is_sorted(&self) -> bool {
        match &self.form {
            Form::Runs { runs, .. } => runs.windows(2).all(|w| w[0].0 <= w[1].0),
            Form::Each(each) => each.is_sorted(),
        }
    }

    pub fn first(&self) -> Option<i32> {
        match &self.form {
            Form::Runs { runs, .. } => runs.first().map(|r| r.0),
            Form::Each(each) => each.first().copied(),
        }
    }

    pub fn last(&self) -> Option<i32> {
        match &self.form {
            Form::Runs { runs, .. } => runs.last().map(|r| r.0),
            Form::Each(each) => each.last().copied(),
        }
    }
}

fn same(a: &i32, b: &i32) -> bool {
    a == b
}

type CountedRuns<'a> =
    std::iter::Map<std::slice::Iter<'a, (i32, u32)>, fn(&(i32, u32)) -> (i32, usize)>;
type EachRuns<'a> = std::iter::Map<
    std::slice::ChunkBy<'a, i32, fn(&i32, &i32) -> bool>,
    fn(&[i32]) -> (i32, usize),
>;

/// [`Sources::runs`].
pub enum Runs<'a> {
    Counted(CountedRuns<'a>),
    Each(EachRuns<'a>),
}

impl Iterator for Runs<'_> {
    type Item = (i32, usize);

    fn next(&mut self) -> Option<(i32, usize)> {
        match self {
            Runs::Counted(it) => it.next(),
            Runs::Each(it) => it.next(),
        }
    }
}

type CountedEach<'a> = std::iter::FlatMap<
    std::slice::Iter<'a, (i32, u32)>,
    std::iter::RepeatN<i32>,
    fn(&(i32, u32)) -> std::iter::RepeatN<i32>,
>;

/// [`Sources::iter`].
pub enum Iter<'a> {
    Counted(CountedEach<'a>),
    Each(std::iter::Copied<std::slice::Iter<'a, i32>>),
}

impl Iterator for Iter<'_> {
    type Item = i32;

    fn next(&mut self) -> Option<i32> {
        match self {
            Iter::Counted(it) => it.next(),
            Iter::Each(it) => it.next(),
        }
    }

    fn fold<B, F: FnMut(B, i32) -> B>(self, init: B, f: F) -> B {
        match self {
            Iter::Counted(it) => it.fold(init, f),
            Iter::Each(it) => it.fold(init, f),
        }
    }
}

impl From<Vec<i32>> for Sources {
    fn from(each: Vec<i32>) -> Self {
        Sources {
            expected: each.len(),
            form: Form::Each(each),
        }
    }
}

impl From<&[i32]> for Sources {
    fn from(each: &[i32]) -> Self {
        let mut sources = Sources::default();
        each.iter().for_each(|&s| sources.push(s));
        sources
    }
}

/// Equal when they list the same sources, whatever their form.
impl PartialEq for Sources {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for Sources {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_count_consecutive_sources() {
        let mut s = Sources::default();
        s.push(3);
        s.push_many(3, 2);
        s.push_many(5, 0);
        s.push(1);
        s.push(3);
        assert_eq!(s.len(), 5);
        assert_eq!(s.to_vec(), [3, 3, 3, 1, 3]);
        assert_eq!(s.runs().collect::<Vec<_>>(), [(3, 3), (1, 1), (3, 1)]);
        assert!(!s.is_sorted());
        assert_eq!((s.first(), s.last()), (Some(3), Some(3)));
        assert!(matches!(s.form, Form::Runs { .. }));
        assert!(Sources::default().first().is_none());
    }

    #[test]
    fn short_runs_switch_to_one_index_each_and_stay_equal() {
        let values: Vec<i32> = (0..5000).map(|k| (k * 7919) % 1000).collect();
        let mut s = Sources::default();
        s.reserve(values.len());
        values.iter().for_each(|&v| s.push(v));
        assert!(matches!(s.form, Form::Each(_)));
        assert_eq!(s.to_vec(), values);
        assert_eq!(s, Sources::from(values.clone()));
        assert_eq!(s.runs().map(|r| r.1).sum::<usize>(), values.len());
        // Long runs stay runs.
        let mut long = Sources::default();
        (0..3000).for_each(|k| long.push_many(k, 3));
        assert!(matches!(long.form, Form::Runs { .. }));
        assert!(long.is_sorted());
        assert_eq!(long.len(), 9000);
        assert_eq!(long, Sources::from(long.to_vec()));
    }
}
