//! All simulation state of one network: an arena of typed, contiguous arrays.
//!
//! Every variable of every group is one array here (struct of arrays). Kernels name arrays by
//! [`StoreId`]; [`ArrayStore::borrow_many_mut`] hands out several distinct arrays mutably at once
//! for one kernel call. Cloning the store is a snapshot (used by `store`/`restore`).

use rheobase_codegen::{ArrayArg, ElemType};

/// Identifies one array of an [`ArrayStore`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StoreId(pub u32);

/// The values of one array, in its storage type.
#[derive(Clone, Debug, PartialEq)]
pub enum ArrayData {
    F64(Vec<f64>),
    I32(Vec<i32>),
    Bool(Vec<bool>),
}

impl ArrayData {
    pub fn new(ty: ElemType, len: usize) -> ArrayData {
        match ty {
            ElemType::F64 => ArrayData::F64(vec![0.0; len]),
            ElemType::I32 => ArrayData::I32(vec![0; len]),
            ElemType::Bool => ArrayData::Bool(vec![false; len]),
        }
    }

    pub fn elem_type(&self) -> ElemType {
        match self {
            ArrayData::F64(_) => ElemType::F64,
            ArrayData::I32(_) => ElemType::I32,
            ArrayData::Bool(_) => ElemType::Bool,
        }
    }

    pub fn len(&self) -> usize {
        match self {
            ArrayData::F64(a) => a.len(),
            ArrayData::I32(a) => a.len(),
            ArrayData::Bool(a) => a.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Element `k` as f64 (integers exactly, booleans as 0 / 1).
    pub fn get_f64(&self, k: usize) -> f64 {
        match self {
            ArrayData::F64(a) => a[k],
            ArrayData::I32(a) => a[k] as f64,
            ArrayData::Bool(a) => f64::from(u8::from(a[k])),
        }
    }

    /// Stores `x` at `k` with the IR's conversion rules (truncation for integers, nonzero is
    /// true for booleans).
    pub fn set_f64(&mut self, k: usize, x: f64) {
        match self {
            ArrayData::F64(a) => a[k] = x,
            ArrayData::I32(a) => a[k] = x as i32,
            ArrayData::Bool(a) => a[k] = x != 0.0,
        }
    }

    /// Grows or shrinks the array to `len` elements; new elements are zero (false).
    pub fn resize(&mut self, len: usize) {
        match self {
            ArrayData::F64(a) => a.resize(len, 0.0),
            ArrayData::I32(a) => a.resize(len, 0),
            ArrayData::Bool(a) => a.resize(len, false),
        }
    }

    /// All values as f64.
    pub fn to_f64(&self) -> Vec<f64> {
        (0..self.len()).map(|k| self.get_f64(k)).collect()
    }

    pub fn as_arg(&mut self) -> ArrayArg<'_> {
        match self {
            ArrayData::F64(a) => ArrayArg::F64(a),
            ArrayData::I32(a) => ArrayArg::I32(a),
            ArrayData::Bool(a) => ArrayArg::Bool(a),
        }
    }
}

/// Metadata kept with each array (for IR dumps, errors and state access).
#[derive(Clone, Debug, PartialEq)]
pub struct ArrayInfo {
    /// `neurongroup.v`, `spikemonitor._scratch_v`.
    pub name: String,
}

/// The arena of arrays of one network.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ArrayStore {
    data: Vec<ArrayData>,
    info: Vec<ArrayInfo>,
    /// Arrays that stand for another one (a linked variable's placeholder and the array it
    /// is linked to): every access to the key goes to the value.
    aliases: std::collections::BTreeMap<u32, u32>,
}

impl ArrayStore {
    pub fn new() -> ArrayStore {
        ArrayStore::default()
    }

    /// Adds a zero-filled array and returns its id.
    pub fn add(&mut self, name: impl Into<String>, ty: ElemType, len: usize) -> StoreId {
        self.data.push(ArrayData::new(ty, len));
        self.info.push(ArrayInfo { name: name.into() });
        StoreId((self.data.len() - 1) as u32)
    }

    pub fn len(&self) -> usize {
        self.data.len()
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// Makes `id` stand for `target` (see `aliases`); `target` may itself be an alias.
    pub fn alias(&mut self, id: StoreId, target: StoreId) {
        let target = self.resolve(target);
        if target == id.0 {
            self.aliases.remove(&id.0);
        } else {
            self.aliases.insert(id.0, target);
        }
    }

    /// The aliases, to carry over when a saved store replaces this one.
    pub fn aliases(&self) -> std::collections::BTreeMap<u32, u32> {
        self.aliases.clone()
    }

    pub fn set_aliases(&mut self, aliases: std::collections::BTreeMap<u32, u32>) {
        self.aliases = aliases;
    }

    fn resolve(&self, id: StoreId) -> u32 {
        self.aliases.get(&id.0).copied().unwrap_or(id.0)
    }

    pub fn get(&self, id: StoreId) -> &ArrayData {
        &self.data[self.resolve(id) as usize]
    }

    pub fn get_mut(&mut self, id: StoreId) -> &mut ArrayData {
        let k = self.resolve(id) as usize;
        &mut self.data[k]
    }

    pub fn info(&self, id: StoreId) -> &ArrayInfo {
        &self.info[id.0 as usize]
    }

    /// Mutable borrows of several distinct arrays at once, in the order asked for. Returns
    /// `None` if an id repeats or is out of range. (`slice::get_disjoint_mut` needs a length
    /// known at compile time; kernels bind a variable number of arrays.)
    pub fn borrow_many_mut(&mut self, ids: &[StoreId]) -> Option<Vec<&mut ArrayData>> {
        let mut order: Vec<(usize, usize)> = ids
            .iter()
            .enumerate()
            .map(|(pos, id)| (self.resolve(*id) as usize, pos))
            .collect();
        order.sort_unstable();
        if order.windows(2).any(|w| w[0].0 == w[1].0) {
            return None;
        }
        if order.last().is_some_and(|&(id, _)| id >= self.data.len()) {
            return None;
        }
        let mut slots: Vec<Option<&mut ArrayData>> = (0..ids.len()).map(|_| None).collect();
        // Walk the sorted ids, splitting off one array at a time: O(ids), not O(arrays).
        let mut rest: &mut [ArrayData] = &mut self.data;
        let mut offset = 0;
        for (id, pos) in order {
            let tail = std::mem::take(&mut rest);
            let (array, after) = tail[id - offset..].split_first_mut()?;
            slots[pos] = Some(array);
            rest = after;
            offset = id + 1;
        }
        slots.into_iter().collect()
    }

    /// Kernel arguments for the given arrays (see [`ArrayStore::borrow_many_mut`]).
    pub fn kernel_args(&mut self, ids: &[StoreId]) -> Option<Vec<ArrayArg<'_>>> {
        self.borrow_many_mut(ids)
            .map(|arrays| arrays.into_iter().map(|a| a.as_arg()).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn borrows_distinct_arrays_in_requested_order() {
        let mut s = ArrayStore::new();
        let a = s.add("a", ElemType::F64, 2);
        let b = s.add("b", ElemType::I32, 3);
        let c = s.add("c", ElemType::Bool, 1);
        {
            let mut m = s.borrow_many_mut(&[c, a]).unwrap();
            m[0].set_f64(0, 1.0);
            m[1].set_f64(1, 2.5);
        }
        assert_eq!(s.get(a), &ArrayData::F64(vec![0.0, 2.5]));
        assert_eq!(s.get(c), &ArrayData::Bool(vec![true]));
        assert_eq!(s.get(b).len(), 3);
    }

    #[test]
    fn refuses_aliasing_and_bad_ids() {
        let mut s = ArrayStore::new();
        let a = s.add("a", ElemType::F64, 2);
        assert!(s.borrow_many_mut(&[a, a]).is_none());
        assert!(s.borrow_many_mut(&[StoreId(7)]).is_none());
        assert!(s.borrow_many_mut(&[]).unwrap().is_empty());
    }

    #[test]
    fn conversions_follow_ir_rules() {
        let mut d = ArrayData::new(ElemType::I32, 1);
        d.set_f64(0, -2.7);
        assert_eq!(d.get_f64(0), -2.0);
        let mut b = ArrayData::new(ElemType::Bool, 1);
        b.set_f64(0, 0.5);
        assert_eq!(b.get_f64(0), 1.0);
    }
}
