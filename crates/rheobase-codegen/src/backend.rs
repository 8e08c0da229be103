//! How the runtime calls a kernel, whatever backend compiled it.

use crate::ir::Kernel;
use std::ops::Range;
use std::sync::Arc;

/// One array bound to a kernel call, in the kernel's [`Kernel::arrays`] order. The element type
/// must match the declaration.
#[derive(Debug)]
pub enum ArrayArg<'a> {
    F64(&'a mut [f64]),
    F32(&'a mut [f32]),
    I32(&'a mut [i32]),
    Bool(&'a mut [bool]),
}

impl ArrayArg<'_> {
    pub fn len(&self) -> usize {
        match self {
            ArrayArg::F64(a) => a.len(),
            ArrayArg::F32(a) => a.len(),
            ArrayArg::I32(a) => a.len(),
            ArrayArg::Bool(a) => a.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The same array, borrowed for a shorter call.
    pub fn reborrow(&mut self) -> ArrayArg<'_> {
        match self {
            ArrayArg::F64(a) => ArrayArg::F64(a),
            ArrayArg::F32(a) => ArrayArg::F32(a),
            ArrayArg::I32(a) => ArrayArg::I32(a),
            ArrayArg::Bool(a) => ArrayArg::Bool(a),
        }
    }
}

/// Which elements one call covers.
#[derive(Debug, Clone)]
pub enum Elements<'a> {
    /// For [`crate::ir::Iteration::Range`] kernels.
    Range(Range<usize>),
    /// For [`crate::ir::Iteration::List`] kernels.
    List(&'a [i32]),
}

/// Keys the counter-based random streams: the same key, step and element give the same numbers
/// in every backend and for every thread count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct RngKey {
    /// From `seed(n)`.
    pub seed: u64,
    /// Distinguishes kernels and objects (a hash of the object and kernel name).
    pub stream: u64,
    /// The time step of the call.
    pub step: u64,
}

/// Everything one kernel invocation needs.
#[derive(Debug)]
pub struct KernelCall<'a> {
    pub arrays: Vec<ArrayArg<'a>>,
    pub scalars: &'a [f64],
    pub elements: Elements<'a>,
    pub rng: RngKey,
    /// Receives the indices of `Emit` statements, in element order. Cleared by the caller.
    pub emitted: Option<&'a mut Vec<i32>>,
}

/// Why a kernel call failed. A failed call may have stored to some elements already.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum KernelError {
    #[error(
        "kernel '{kernel}': index {index} is out of bounds for array '{array}' of length {len}"
    )]
    IndexOutOfBounds {
        kernel: String,
        array: String,
        index: i64,
        len: usize,
    },
    #[error("kernel '{kernel}': bad call: {reason}")]
    BadCall { kernel: String, reason: String },
}

/// Why a kernel could not be compiled. This is an internal error: the IR came from our own
/// lowering, so the message asks for a bug report.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("internal error compiling kernel '{kernel}': {reason} (this is a bug, please report it)")]
pub struct CompileError {
    pub kernel: String,
    pub reason: String,
}

/// How to split one call into pieces for [`CompiledKernel::run_split`].
#[derive(Clone, Copy, Debug)]
pub enum Split<'a> {
    /// About equal pieces of the call's elements, at most this many: a range, or a list of
    /// strictly increasing indices (anything else runs in one piece).
    Even(usize),
    /// The call's list once per window of targets, for a kernel split by a gather array
    /// ([`crate::split::Splittable::ByGather`]): piece `k` runs, in list order, the elements
    /// whose gathered index lies in `cuts[k - 1]..cuts[k]` (from 0; the last piece takes
    /// every index from its cut on, out-of-bounds ones included, which fail there as in a
    /// whole call). Each element runs in exactly one piece and each target sees its elements
    /// in list order, so the results are those of the whole call: a synaptic pathway split by
    /// target range, with no list to build per piece.
    ByTarget(&'a [usize]),
    /// [`Split::ByTarget`] with the call's list already grouped by window: part `k` is
    /// `list[ends[k - 1]..ends[k]]` (from 0; the last part runs to the list's end), and piece
    /// `k` runs only its part instead of the whole list. The caller puts every element in
    /// the part of the window its target lies in, so that the concatenated parts, run whole,
    /// give each target its elements in the same order as the pieces do. The code still tests
    /// each element against its piece's window: an element in the wrong part is skipped,
    /// never run by two threads at once. A part of an empty window must be empty (otherwise
    /// the call runs whole).
    ByTargetParts(&'a [usize], &'a [usize]),
}

/// A kernel ready to run.
pub trait CompiledKernel: Send + Sync {
    fn kernel(&self) -> &Kernel;
    /// Runs the kernel; returns the number of emitted indices.
    fn run(&self, call: &mut KernelCall<'_>) -> Result<usize, KernelError>;

    /// How calls of this kernel may be split ([`crate::split::splittable`]).
    fn splittable(&self) -> crate::split::Splittable {
        crate::split::splittable(self.kernel())
    }

    /// Runs the call split into pieces on `pool` where the kernel allows it, with the same
    /// results, bit for bit, as running it whole (emitted indices in element order). This
    /// default runs the call whole on the calling thread.
    fn run_split<'a>(
        &self,
        call: &mut KernelCall<'a>,
        _split: Split<'a>,
        _pool: &rayon::ThreadPool,
    ) -> Result<usize, KernelError> {
        self.run(call)
    }

    /// Where native code for this kernel goes, for kernels that may move to the native tier
    /// ([`crate::native::TieredKernel`]); `None` for every other kernel.
    fn native_slot(&self) -> Option<Arc<crate::native::NativeSlot>> {
        None
    }
}

/// Something that turns kernel IR into runnable code: the interpreter, the Cranelift JIT, ...
pub trait Backend: Send + Sync {
    fn name(&self) -> &'static str;
    fn compile(&self, kernel: &Kernel) -> Result<Arc<dyn CompiledKernel>, CompileError>;
}
