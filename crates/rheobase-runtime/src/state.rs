//! All simulation state of one network: an arena of typed, contiguous arrays.
//!
//! Every variable of every group is one array here (struct of arrays). Kernels name arrays by
//! [`StoreId`]; [`ArrayStore::borrow_many_mut`] hands out several distinct arrays mutably at once
//! for one kernel call. Cloning the store is a snapshot (used by `store`/`restore`).
//!
//! An array may be kept in a [`Compact`] form (one value for every element, or runs of
//! increasing integers such as the source index of synapses made in source order) until its
//! elements are needed: a mutable access (a kernel call, an assignment) turns it into a plain
//! array for good; a read-only access ([`ArrayStore::get`]) expands it into a cache next to
//! the compact form. Code that only needs single values reads them without expanding
//! ([`ArrayStore::value_f64`], [`ArrayStore::compact`]).

use crate::huge_pages::advise_huge_pages;
use crate::synapses::sources::Sources;
use rheobase_codegen::{ArrayArg, ElemType};
use std::sync::OnceLock;

/// Identifies one array of an [`ArrayStore`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StoreId(pub u32);

/// The values of one array, in its storage type.
#[derive(Clone, Debug, PartialEq)]
pub enum ArrayData {
    F64(Vec<f64>),
    /// Single-precision state variables (see `Network::set_float_type`).
    F32(Vec<f32>),
    I32(Vec<i32>),
    Bool(Vec<bool>),
}

impl ArrayData {
    pub fn new(ty: ElemType, len: usize) -> ArrayData {
        // Zeroed allocations are not touched yet, so the advice comes in time.
        fn advised<T>(values: Vec<T>) -> Vec<T> {
            advise_huge_pages(&values);
            values
        }
        match ty {
            ElemType::F64 => ArrayData::F64(advised(vec![0.0; len])),
            ElemType::F32 => ArrayData::F32(advised(vec![0.0; len])),
            ElemType::I32 => ArrayData::I32(advised(vec![0; len])),
            ElemType::Bool => ArrayData::Bool(advised(vec![false; len])),
        }
    }

    pub fn elem_type(&self) -> ElemType {
        match self {
            ArrayData::F64(_) => ElemType::F64,
            ArrayData::F32(_) => ElemType::F32,
            ArrayData::I32(_) => ElemType::I32,
            ArrayData::Bool(_) => ElemType::Bool,
        }
    }

    pub fn len(&self) -> usize {
        match self {
            ArrayData::F64(a) => a.len(),
            ArrayData::F32(a) => a.len(),
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
            ArrayData::F32(a) => f64::from(a[k]),
            ArrayData::I32(a) => a[k] as f64,
            ArrayData::Bool(a) => f64::from(u8::from(a[k])),
        }
    }

    /// Stores `x` at `k` with the IR's conversion rules (rounding to nearest for f32,
    /// truncation for integers, nonzero is true for booleans).
    pub fn set_f64(&mut self, k: usize, x: f64) {
        match self {
            ArrayData::F64(a) => a[k] = x,
            ArrayData::F32(a) => a[k] = x as f32,
            ArrayData::I32(a) => a[k] = x as i32,
            ArrayData::Bool(a) => a[k] = x != 0.0,
        }
    }

    /// Grows or shrinks the array to `len` elements; new elements are zero (false).
    pub fn resize(&mut self, len: usize) {
        // Room first, advised before the new elements are written.
        fn grown<T: Clone>(values: &mut Vec<T>, len: usize, zero: T) {
            if len > values.capacity() {
                values.reserve(len - values.len());
                advise_huge_pages(values);
            }
            values.resize(len, zero);
        }
        match self {
            ArrayData::F64(a) => grown(a, len, 0.0),
            ArrayData::F32(a) => grown(a, len, 0.0),
            ArrayData::I32(a) => grown(a, len, 0),
            ArrayData::Bool(a) => grown(a, len, false),
        }
    }

    /// All values as f64.
    pub fn to_f64(&self) -> Vec<f64> {
        (0..self.len()).map(|k| self.get_f64(k)).collect()
    }

    pub fn as_arg(&mut self) -> ArrayArg<'_> {
        match self {
            ArrayData::F64(a) => ArrayArg::F64(a),
            ArrayData::F32(a) => ArrayArg::F32(a),
            ArrayData::I32(a) => ArrayArg::I32(a),
            ArrayData::Bool(a) => ArrayArg::Bool(a),
        }
    }
}

/// An array's elements described without storing them one by one.
#[derive(Clone, Debug, PartialEq)]
pub enum Compact {
    /// `len` elements, all `value` (converted to `ty` as [`ArrayData::set_f64`] does).
    Uniform {
        ty: ElemType,
        value: f64,
        len: usize,
    },
    /// `i32` elements in runs: elements `offsets[r]..offsets[r + 1]` hold `base + r`
    /// (`offsets` starts at 0 and never decreases). The source index of synapses that were
    /// created in source order.
    Runs { base: i32, offsets: Vec<usize> },
    /// `f64` elements with few distinct values: element `k` is `values[codes[k]]` (per-synapse
    /// delays such as `'int(rand()*50)*0.1*ms'`; see [`ArrayStore::tabulate`]).
    Table { values: Vec<f64>, codes: Codes },
}

/// Indices into a [`Compact::Table`], in the narrowest type that holds them.
#[derive(Clone, Debug, PartialEq)]
pub enum Codes {
    U8(Vec<u8>),
    U16(Vec<u16>),
}

impl Codes {
    pub fn len(&self) -> usize {
        match self {
            Codes::U8(c) => c.len(),
            Codes::U16(c) => c.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    #[inline]
    pub fn get(&self, k: usize) -> usize {
        match self {
            Codes::U8(c) => usize::from(c[k]),
            Codes::U16(c) => usize::from(c[k]),
        }
    }
}

/// Most distinct values a [`Compact::Table`] holds.
pub const MAX_TABLE_VALUES: usize = 1 << 16;

impl Compact {
    /// An empty array of `ty` whose new elements will be zero.
    pub fn zeros(ty: ElemType) -> Compact {
        Compact::Uniform {
            ty,
            value: 0.0,
            len: 0,
        }
    }

    /// Empty runs over `runs` values starting at `base`.
    pub fn empty_runs(base: i32, runs: usize) -> Compact {
        Compact::Runs {
            base,
            offsets: vec![0; runs + 1],
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Compact::Uniform { len, .. } => *len,
            Compact::Runs { offsets, .. } => offsets.last().copied().unwrap_or(0),
            Compact::Table { codes, .. } => codes.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn elem_type(&self) -> ElemType {
        match self {
            Compact::Uniform { ty, .. } => *ty,
            Compact::Runs { .. } => ElemType::I32,
            Compact::Table { .. } => ElemType::F64,
        }
    }

    /// Element `k` as f64 (as [`ArrayData::get_f64`] would give it).
    pub fn get_f64(&self, k: usize) -> f64 {
        debug_assert!(k < self.len());
        match self {
            Compact::Uniform { ty, value, .. } => {
                let mut one = ArrayData::new(*ty, 1);
                one.set_f64(0, *value);
                one.get_f64(0)
            }
            Compact::Runs { base, offsets } => {
                let run = offsets.partition_point(|&o| o <= k) - 1;
                f64::from(base + run as i32)
            }
            Compact::Table { values, codes } => values[codes.get(k)],
        }
    }

    /// The elements, one by one.
    pub fn expand(&self) -> ArrayData {
        match self {
            Compact::Uniform { ty, value, len } => {
                let mut one = ArrayData::new(*ty, 1);
                one.set_f64(0, *value);
                match one {
                    ArrayData::F64(v) => ArrayData::F64(vec![v[0]; *len]),
                    ArrayData::F32(v) => ArrayData::F32(vec![v[0]; *len]),
                    ArrayData::I32(v) => ArrayData::I32(vec![v[0]; *len]),
                    ArrayData::Bool(v) => ArrayData::Bool(vec![v[0]; *len]),
                }
            }
            Compact::Runs { base, offsets } => {
                let mut values = Vec::with_capacity(self.len());
                for (run, w) in offsets.windows(2).enumerate() {
                    values.extend(std::iter::repeat_n(base + run as i32, w[1] - w[0]));
                }
                ArrayData::I32(values)
            }
            Compact::Table { values, codes } => ArrayData::F64(match codes {
                Codes::U8(c) => c.iter().map(|&k| values[usize::from(k)]).collect(),
                Codes::U16(c) => c.iter().map(|&k| values[usize::from(k)]).collect(),
            }),
        }
    }

    /// Grows or shrinks to `len` elements, new ones zero, if the form can say so.
    fn resized(&self, new_len: usize) -> Option<Compact> {
        match self {
            // New elements are +0.0 (not -0.0).
            Compact::Uniform { ty, value, len } if value.to_bits() == 0 || new_len <= *len => {
                Some(Compact::Uniform {
                    ty: *ty,
                    value: *value,
                    len: new_len,
                })
            }
            Compact::Runs { base, offsets } if new_len <= self.len() => {
                let offsets = offsets.iter().map(|&o| o.min(new_len)).collect();
                Some(Compact::Runs {
                    base: *base,
                    offsets,
                })
            }
            Compact::Table { values, codes } => {
                // New elements are +0.0: only if the table has it.
                let zero = values.iter().position(|v| v.to_bits() == 0);
                if new_len > codes.len() && zero.is_none() {
                    return None;
                }
                let zero = zero.unwrap_or(0);
                let mut codes = codes.clone();
                match &mut codes {
                    Codes::U8(c) => c.resize(new_len, zero as u8),
                    Codes::U16(c) => c.resize(new_len, zero as u16),
                }
                Some(Compact::Table {
                    values: values.clone(),
                    codes,
                })
            }
            _ => None,
        }
    }
}

/// One array of the store: plain, or compact with its expansion cached once read.
#[derive(Clone, Debug)]
enum Slot {
    Plain(ArrayData),
    Compact {
        form: Compact,
        expanded: OnceLock<ArrayData>,
    },
}

impl Slot {
    fn compact(form: Compact) -> Slot {
        Slot::Compact {
            form,
            expanded: OnceLock::new(),
        }
    }

    fn data(&self) -> &ArrayData {
        match self {
            Slot::Plain(d) => d,
            Slot::Compact { form, expanded } => expanded.get_or_init(|| form.expand()),
        }
    }

    fn data_type(&self) -> ElemType {
        match self {
            Slot::Plain(d) => d.elem_type(),
            Slot::Compact { form, .. } => form.elem_type(),
        }
    }

    /// Turns the slot into a plain array and returns it.
    fn plain_mut(&mut self) -> &mut ArrayData {
        if let Slot::Compact { form, expanded } = self {
            let data = expanded.take().unwrap_or_else(|| form.expand());
            *self = Slot::Plain(data);
        }
        match self {
            Slot::Plain(d) => d,
            Slot::Compact { .. } => unreachable!("made plain above"),
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
#[derive(Clone, Debug, Default)]
pub struct ArrayStore {
    data: Vec<Slot>,
    info: Vec<ArrayInfo>,
    /// Arrays that stand for another one (a linked variable's placeholder and the array it
    /// is linked to): every access to the key goes to the value.
    aliases: std::collections::BTreeMap<u32, u32>,
}

/// The distinct values of `values` (by bit pattern, in order of first appearance) and each
/// element's index among them; `None` if there are more than `max_values`.
fn tabulate(values: &[f64], max_values: usize) -> Option<(Vec<f64>, Codes)> {
    let mut table: Vec<f64> = Vec::new();
    let mut index: std::collections::HashMap<u64, u16, BitsHash> = Default::default();
    let mut codes: Vec<u16> = Vec::with_capacity(values.len());
    // Runs of equal values are common: check the previous value first.
    let mut last: Option<(u64, u16)> = None;
    for &v in values {
        let bits = v.to_bits();
        let code = match last {
            Some((b, c)) if b == bits => c,
            _ => {
                let next = table.len();
                let code = *index.entry(bits).or_insert_with(|| {
                    table.push(v);
                    next as u16
                });
                if table.len() > max_values {
                    return None;
                }
                code
            }
        };
        last = Some((bits, code));
        codes.push(code);
    }
    let codes = if table.len() <= 256 {
        Codes::U8(codes.into_iter().map(|c| c as u8).collect())
    } else {
        Codes::U16(codes)
    };
    Some((table, codes))
}

/// A fast hash of f64 bit patterns (a multiply and a shift; the keys are not adversarial).
#[derive(Default, Clone, Copy)]
struct BitsHash;

impl std::hash::BuildHasher for BitsHash {
    type Hasher = BitsHasher;
    fn build_hasher(&self) -> BitsHasher {
        BitsHasher(0)
    }
}

struct BitsHasher(u64);

impl std::hash::Hasher for BitsHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u64(&mut self, x: u64) {
        let h = (x ^ (x >> 29)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        self.0 = h ^ (h >> 32);
    }
}

/// Equal when every array has the same elements (whatever their form), names and aliases.
impl PartialEq for ArrayStore {
    fn eq(&self, other: &Self) -> bool {
        self.data.len() == other.data.len()
            && self.info == other.info
            && self.aliases == other.aliases
            && self
                .data
                .iter()
                .zip(&other.data)
                .all(|(a, b)| a.data() == b.data())
    }
}

impl ArrayStore {
    pub fn new() -> ArrayStore {
        ArrayStore::default()
    }

    /// Adds a zero-filled array and returns its id.
    pub fn add(&mut self, name: impl Into<String>, ty: ElemType, len: usize) -> StoreId {
        self.data.push(Slot::Plain(ArrayData::new(ty, len)));
        self.info.push(ArrayInfo { name: name.into() });
        StoreId((self.data.len() - 1) as u32)
    }

    pub fn len(&self) -> usize {
        self.data.len()
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// Takes the values of the arrays of `saved` (a clone of this store made earlier), except
    /// those in `keep`; arrays added since and the current aliases stay as they are.
    pub fn restore_from(&mut self, saved: &ArrayStore, keep: &[StoreId]) {
        for (k, data) in saved.data.iter().enumerate().take(self.data.len()) {
            let kept = keep.iter().any(|id| self.resolve(*id) as usize == k);
            if !kept {
                self.data[k].clone_from(data);
            }
        }
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

    /// The array's elements (a compact array is expanded into a cache, kept until it is
    /// written or made compact again).
    pub fn get(&self, id: StoreId) -> &ArrayData {
        self.data[self.resolve(id) as usize].data()
    }

    /// The array's elements for writing (a compact array becomes plain).
    pub fn get_mut(&mut self, id: StoreId) -> &mut ArrayData {
        let k = self.resolve(id) as usize;
        self.data[k].plain_mut()
    }

    /// The compact form of an array, if it has one.
    pub fn compact(&self, id: StoreId) -> Option<&Compact> {
        match &self.data[self.resolve(id) as usize] {
            Slot::Compact { form, .. } => Some(form),
            Slot::Plain(_) => None,
        }
    }

    /// Replaces the array's elements by a compact form (of the same element type).
    pub fn set_compact(&mut self, id: StoreId, form: Compact) {
        let k = self.resolve(id) as usize;
        debug_assert_eq!(self.data[k].data_type(), form.elem_type());
        self.data[k] = Slot::compact(form);
    }

    /// Changes the element type of an array nobody has written yet: its elements become
    /// zeros of `ty` (one value, kept compact).
    pub fn set_elem_type(&mut self, id: StoreId, ty: ElemType) {
        let len = self.len_of(id);
        let k = self.resolve(id) as usize;
        self.data[k] = Slot::compact(Compact::Uniform {
            ty,
            value: 0.0,
            len,
        });
    }

    /// Sets every element to `value`, storing one value only.
    pub fn fill(&mut self, id: StoreId, value: f64) {
        let k = self.resolve(id) as usize;
        let (ty, len) = (self.data[k].data_type(), self.len_of(id));
        self.data[k] = Slot::compact(Compact::Uniform { ty, value, len });
    }

    /// The element type the array is stored in.
    pub fn elem_type(&self, id: StoreId) -> ElemType {
        self.data[self.resolve(id) as usize].data_type()
    }

    /// The number of elements (without expanding a compact array).
    pub fn len_of(&self, id: StoreId) -> usize {
        match &self.data[self.resolve(id) as usize] {
            Slot::Plain(d) => d.len(),
            Slot::Compact { form, .. } => form.len(),
        }
    }

    /// Element `k` as f64 (without expanding a compact array).
    pub fn value_f64(&self, id: StoreId, k: usize) -> f64 {
        match &self.data[self.resolve(id) as usize] {
            Slot::Plain(d) => d.get_f64(k),
            Slot::Compact { form, .. } => form.get_f64(k),
        }
    }

    /// Keeps a plain `f64` array as a [`Compact::Table`] if it has at most `max_values`
    /// (up to [`MAX_TABLE_VALUES`]) distinct values (bit patterns), as one value if it has
    /// one; returns whether the array is a table or one value now. Stops at the first value too many, so a failed try costs little when
    /// the values are all different.
    pub fn tabulate(&mut self, id: StoreId, max_values: usize) -> bool {
        let k = self.resolve(id) as usize;
        let values = match &self.data[k] {
            Slot::Compact {
                form: Compact::Table { .. },
                ..
            } => return true,
            Slot::Plain(ArrayData::F64(values)) if !values.is_empty() => values,
            _ => return false,
        };
        let Some((table, codes)) = tabulate(values, max_values.min(MAX_TABLE_VALUES)) else {
            return false;
        };
        self.data[k] = Slot::compact(if table.len() == 1 {
            Compact::Uniform {
                ty: ElemType::F64,
                value: table[0],
                len: codes.len(),
            }
        } else {
            Compact::Table {
                values: table,
                codes,
            }
        });
        true
    }

    /// Grows or shrinks the array to `len` elements, new ones zero; a compact array stays
    /// compact where its form allows.
    pub fn resize(&mut self, id: StoreId, len: usize) {
        let k = self.resolve(id) as usize;
        if let Slot::Compact { form, .. } = &self.data[k] {
            if let Some(form) = form.resized(len) {
                self.data[k] = Slot::compact(form);
                return;
            }
        }
        self.data[k].plain_mut().resize(len);
    }

    /// Appends `values + offset` to an array kept as [`Compact::Runs`] over `0..runs`, if
    /// the runs can hold them (`values` non-decreasing, from the last non-empty run on, all
    /// below `runs`). Returns false, changing nothing, otherwise.
    pub fn append_runs(&mut self, id: StoreId, values: &Sources) -> bool {
        let k = self.resolve(id) as usize;
        let Slot::Compact {
            form: Compact::Runs { offsets, .. },
            expanded,
        } = &mut self.data[k]
        else {
            return false;
        };
        let runs = offsets.len() - 1;
        let total = offsets[runs];
        let last_used = offsets.partition_point(|&o| o < total).saturating_sub(1);
        let fits = values.is_sorted()
            && values.first().is_none_or(|v| {
                v >= 0 && (total == 0 || v as usize >= last_used) && (v as usize) < runs
            })
            && values.last().is_none_or(|v| v >= 0 && (v as usize) < runs);
        if !fits {
            return false;
        }
        append_to_runs(offsets, values.runs());
        expanded.take();
        true
    }

    pub fn info(&self, id: StoreId) -> &ArrayInfo {
        &self.info[id.0 as usize]
    }

    /// Mutable borrows of several distinct arrays at once, in the order asked for. Returns
    /// `None` if an id repeats or is out of range. (`slice::get_disjoint_mut` needs a length
    /// known at compile time; kernels bind a variable number of arrays.)
    pub fn borrow_many_mut(&mut self, ids: &[StoreId]) -> Option<Vec<&mut ArrayData>> {
        self.borrow_each_mut(ids, |a| a)
    }

    /// Kernel arguments for the given arrays (see [`ArrayStore::borrow_many_mut`]).
    pub fn kernel_args(&mut self, ids: &[StoreId]) -> Option<Vec<ArrayArg<'_>>> {
        self.borrow_each_mut(ids, |a| a.as_arg())
    }

    /// `borrow_many_mut` with each borrow mapped by `map`. It runs before every kernel call,
    /// so the only allocation is the result: the ids are sorted on the stack (kernels bind a
    /// few arrays), the arrays split off in storage order, then put in the order asked for.
    fn borrow_each_mut<'a, T>(
        &'a mut self,
        ids: &[StoreId],
        map: impl Fn(&'a mut ArrayData) -> T,
    ) -> Option<Vec<T>> {
        const ON_STACK: usize = 32;
        let mut stack = [(0usize, 0usize); ON_STACK];
        let mut heap = Vec::new();
        let order: &mut [(usize, usize)] = if ids.len() <= ON_STACK {
            &mut stack[..ids.len()]
        } else {
            heap.resize(ids.len(), (0, 0));
            &mut heap
        };
        for (pos, (slot, id)) in order.iter_mut().zip(ids).enumerate() {
            *slot = (self.resolve(*id) as usize, pos);
        }
        order.sort_unstable();
        if order.windows(2).any(|w| w[0].0 == w[1].0) {
            return None;
        }
        if order.last().is_some_and(|&(id, _)| id >= self.data.len()) {
            return None;
        }
        // Walk the sorted ids, splitting off one array at a time: O(ids), not O(arrays).
        let mut borrowed = Vec::with_capacity(ids.len());
        let mut rest: &mut [Slot] = &mut self.data;
        let mut offset = 0;
        for &(id, _) in order.iter() {
            let tail = std::mem::take(&mut rest);
            let (array, after) = tail[id - offset..].split_first_mut()?;
            borrowed.push(map(array.plain_mut()));
            rest = after;
            offset = id + 1;
        }
        // `borrowed[k]` belongs at `order[k].1`: follow each cycle of that permutation.
        for k in 0..borrowed.len() {
            while order[k].1 != k {
                let target = order[k].1;
                borrowed.swap(k, target);
                order.swap(k, target);
            }
        }
        Some(borrowed)
    }
}

/// Moves the starts of runs (`starts[r]..starts[r + 1]` holds run `r`, `starts` one longer
/// than the runs) for values appended at the end, each to the run it names, given as
/// (value, count) pairs in non-decreasing order of value: run `r` now starts after the
/// values below `r`. Runs up to the first value keep their start, the runs after the last
/// move by all of them, and only the runs in between need counting (connect appends a batch
/// of sources at a time: a pass over every run per batch would cost sources x batches).
pub(crate) fn append_to_runs(
    starts: &mut [usize],
    sorted_runs: impl IntoIterator<Item = (i32, usize)>,
) {
    // Values appended so far, all below the runs not yet moved; the first such run.
    let (mut below, mut unmoved) = (0usize, None);
    for (value, count) in sorted_runs {
        let value = value as usize;
        let from = unmoved.unwrap_or(value + 1);
        for start in &mut starts[from..value + 1] {
            *start += below;
        }
        below += count;
        unmoved = Some(value + 1);
    }
    if let Some(from) = unmoved {
        for start in &mut starts[from..] {
            *start += below;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn borrows_many_arrays_in_any_order() {
        let mut s = ArrayStore::new();
        // Array k has k + 1 elements, so a borrow shows which array it is.
        let ids: Vec<StoreId> = (0..40)
            .map(|k| s.add(format!("a{k}"), ElemType::F64, k + 1))
            .collect();
        for pick in [
            vec![3, 1, 2, 0],
            vec![7, 2, 9, 4, 0, 5],
            (0..40).rev().collect::<Vec<usize>>(),
            vec![],
        ] {
            let wanted: Vec<StoreId> = pick.iter().map(|&k| ids[k]).collect();
            let lens: Vec<usize> = s
                .borrow_many_mut(&wanted)
                .unwrap()
                .iter()
                .map(|a| a.len())
                .collect();
            assert_eq!(lens, pick.iter().map(|k| k + 1).collect::<Vec<_>>());
        }
        assert!(s.borrow_many_mut(&[ids[2], ids[5], ids[2]]).is_none());
        assert!(s.borrow_many_mut(&[StoreId(99)]).is_none());
    }

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
    fn compact_arrays_read_without_expanding_and_expand_when_written() {
        let mut s = ArrayStore::new();
        let w = s.add("w", ElemType::F64, 0);
        s.set_compact(w, Compact::zeros(ElemType::F64));
        s.resize(w, 5);
        assert_eq!(s.len_of(w), 5);
        assert!(matches!(
            s.compact(w),
            Some(Compact::Uniform { len: 5, .. })
        ));
        s.fill(w, 2.5);
        assert_eq!(s.value_f64(w, 4), 2.5);
        // A read expands into a cache; the form stays compact.
        assert_eq!(s.get(w), &ArrayData::F64(vec![2.5; 5]));
        assert!(s.compact(w).is_some());
        // Growing a nonzero uniform array gives zeros at the end, as a plain array.
        s.resize(w, 6);
        assert!(s.compact(w).is_none());
        assert_eq!(
            s.get(w),
            &ArrayData::F64(vec![2.5, 2.5, 2.5, 2.5, 2.5, 0.0])
        );
        // Kernels get plain arrays.
        let b = s.add("b", ElemType::Bool, 1);
        s.fill(b, 0.5);
        s.resize(b, 2);
        {
            let m = s.borrow_many_mut(&[b]).unwrap();
            assert_eq!(*m[0], ArrayData::Bool(vec![true, false]));
        }
        assert!(s.compact(b).is_none());
    }

    #[test]
    fn runs_grow_while_values_come_in_order() {
        let mut s = ArrayStore::new();
        let pre = s.add("pre", ElemType::I32, 0);
        s.set_compact(pre, Compact::empty_runs(10, 4));
        let append = |s: &mut ArrayStore, values: &[i32]| s.append_runs(pre, &values.into());
        assert!(append(&mut s, &[0, 0, 2]));
        assert!(append(&mut s, &[2, 3]));
        assert_eq!(s.len_of(pre), 5);
        assert_eq!(s.value_f64(pre, 3), 12.0);
        assert_eq!(s.value_f64(pre, 4), 13.0);
        let snapshot = s.clone();
        // Out of order, or out of range: refused, nothing changed.
        assert!(!append(&mut s, &[1]));
        assert!(!append(&mut s, &[4]));
        assert!(!append(&mut s, &[3, 2]));
        assert_eq!(s, snapshot);
        assert_eq!(s.get(pre), &ArrayData::I32(vec![10, 10, 12, 12, 13]));
        // Shrinking (a restore of fewer synapses) keeps the runs.
        s.resize(pre, 3);
        assert_eq!(s.get(pre), &ArrayData::I32(vec![10, 10, 12]));
        // Once plain, runs are not appended to any more.
        s.get_mut(pre);
        assert!(!append(&mut s, &[3]));
    }

    #[test]
    fn appended_batches_skip_and_fill_runs_like_a_plain_array() {
        let mut s = ArrayStore::new();
        let pre = s.add("pre", ElemType::I32, 0);
        s.set_compact(pre, Compact::empty_runs(0, 12));
        let batches: [&[i32]; 4] = [&[], &[2, 2, 5, 7, 7, 7], &[7, 9], &[11]];
        let mut plain = Vec::new();
        for batch in batches {
            assert!(s.append_runs(pre, &batch.into()));
            plain.extend_from_slice(batch);
            assert_eq!(s.len_of(pre), plain.len());
        }
        assert_eq!(s.get(pre), &ArrayData::I32(plain));
    }

    #[test]
    fn few_distinct_values_are_kept_as_a_table() {
        let mut s = ArrayStore::new();
        let d = s.add("d", ElemType::F64, 0);
        let values: Vec<f64> = (0..1000).map(|k| f64::from(k % 7) * 1e-4).collect();
        *s.get_mut(d) = ArrayData::F64(values.clone());
        assert!(s.tabulate(d, MAX_TABLE_VALUES));
        assert!(matches!(
            s.compact(d),
            Some(Compact::Table {
                codes: Codes::U8(_),
                ..
            })
        ));
        assert_eq!(s.value_f64(d, 13), values[13]);
        assert_eq!(s.get(d), &ArrayData::F64(values.clone()));
        // New synapses get +0.0, which the table has.
        s.resize(d, 1001);
        assert!(s.compact(d).is_some());
        assert_eq!(s.value_f64(d, 1000), 0.0);
        // Too many distinct values: left plain.
        let e = s.add("e", ElemType::F64, 0);
        *s.get_mut(e) = ArrayData::F64((0..300).map(f64::from).collect());
        assert!(!s.tabulate(e, 200));
        assert!(s.compact(e).is_none());
        assert!(s.tabulate(e, 300));
        assert!(matches!(
            s.compact(e),
            Some(Compact::Table {
                codes: Codes::U16(_),
                ..
            })
        ));
        // One value is kept as one value.
        let one = s.add("one", ElemType::F64, 0);
        *s.get_mut(one) = ArrayData::F64(vec![1.5e-3; 10]);
        assert!(s.tabulate(one, MAX_TABLE_VALUES));
        assert!(matches!(
            s.compact(one),
            Some(Compact::Uniform { len: 10, .. })
        ));
        assert_eq!(s.value_f64(one, 9), 1.5e-3);
        // -0.0 and 0.0 are different values; a table without +0.0 grows as a plain array.
        let z = s.add("z", ElemType::F64, 0);
        *s.get_mut(z) = ArrayData::F64(vec![-0.0, 1.0]);
        assert!(s.tabulate(z, 4));
        s.resize(z, 3);
        assert!(s.compact(z).is_none());
        let ArrayData::F64(v) = s.get(z) else {
            panic!()
        };
        assert!(v[0].is_sign_negative() && v[2].is_sign_positive());
    }

    #[test]
    fn equality_ignores_the_form() {
        let mut a = ArrayStore::new();
        let x = a.add("x", ElemType::I32, 3);
        let mut b = a.clone();
        b.fill(x, 0.0);
        assert_eq!(a, b);
        b.fill(x, 1.9);
        assert_ne!(a, b);
        a.get_mut(x).set_f64(0, 1.0);
        a.get_mut(x).set_f64(1, 1.0);
        a.get_mut(x).set_f64(2, 1.0);
        assert_eq!(a, b);
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
