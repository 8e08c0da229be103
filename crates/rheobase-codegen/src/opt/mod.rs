//! Optimisation of kernel IR before code generation: constant folding ([`fold`]), hoisting of
//! element-invariant work into the prologue ([`hoist`]), store-to-load forwarding at `_idx`
//! ([`forward`]) and common-subexpression elimination ([`cse`]).
//!
//! Every rewrite keeps results bit for bit: an optimised kernel computes the same IEEE
//! operations on the same operands as the original, only fewer times, so the interpreter
//! running the original and the JIT running the optimised kernel agree exactly (the
//! differential tests check this). What the passes rely on:
//! * only expressions that cannot fail are moved or merged: gathers and computed indices
//!   (`Index::Gather`, `Index::At`) may report an out-of-bounds error, so they stay where they
//!   are, in their original order;
//! * random draws are never merged, moved or dropped (each call site is its own stream);
//! * a value read from a temporary or an array is only reused while neither has been written
//!   since (see [`cse`] for how writes inside `If` branches are handled).

pub mod cse;
pub mod fold;
pub mod forward;
pub mod hoist;
mod key;
pub(crate) mod walk;

use crate::ir::Kernel;
use crate::validate;

/// Returns `kernel` folded, with invariant work hoisted, stored element values forwarded to
/// later loads and common subexpressions shared. The
/// input must have passed [`validate::check_kernel`]. If the result would break a limit of
/// the validator (too many temporaries), the kernel is returned unchanged.
pub fn optimize(kernel: &Kernel) -> Kernel {
    let mut out = kernel.clone();
    fold::fold_kernel(&mut out);
    hoist::hoist_invariants(&mut out);
    forward::forward_stores(&mut out);
    cse::eliminate_common_subexpressions(&mut out);
    if validate::check_kernel(&out).is_ok() {
        out
    } else {
        kernel.clone()
    }
}
