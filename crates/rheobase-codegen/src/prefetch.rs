//! Cache hints: ask for a cache line before it is needed, so that misses that would come one
//! after another (a row found through an offset found through a spike) overlap instead.

/// Asks for the cache line holding byte `offset` of `base`. A hint only: it reads nothing
/// architecturally and never faults, whatever the address, so it is safe for any pointer
/// and offset (the address is formed with wrapping arithmetic and never dereferenced).
#[inline(always)]
pub fn prefetch_at(base: *const u8, offset: usize) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: `prefetcht0` cannot fault and has no architectural effect; the pointer is
    // never dereferenced (see above).
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>(base.wrapping_add(offset).cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (base, offset);
}

/// Asks for the cache line of `values[index]` (nothing if `index` is past the end).
#[inline(always)]
pub fn prefetch<T>(values: &[T], index: usize) {
    if index < values.len() {
        prefetch_at(values.as_ptr().cast(), index * std::mem::size_of::<T>());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_change_nothing_and_accept_any_address() {
        let values = vec![1.5f64; 100];
        prefetch(&values, 3);
        prefetch(&values, 1000);
        prefetch_at(std::ptr::null(), usize::MAX);
        prefetch_at(values.as_ptr().cast(), 1 << 40);
        assert!(values.iter().all(|&v| v == 1.5));
    }
}
