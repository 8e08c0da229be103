//! Transparent huge pages for large arrays: asked for before the pages are first touched, so
//! that scattered reads (synaptic rows, delivery targets) miss the TLB far less often.

/// Arrays smaller than this are left alone (a huge page is 2 MiB).
const MIN_BYTES: usize = 4 << 20;
const HUGE_PAGE: usize = 2 << 20;

/// Asks the kernel to back the whole 2 MiB pages inside `values`' allocation with huge pages
/// (`madvise(MADV_HUGEPAGE)`), if it is large. A hint: where the system does not allow it
/// (THP disabled, another OS) nothing changes.
pub fn advise_huge_pages<T>(values: &Vec<T>) {
    let bytes = values.capacity() * std::mem::size_of::<T>();
    if bytes < MIN_BYTES {
        return;
    }
    let start = values.as_ptr() as usize;
    let first = start.next_multiple_of(HUGE_PAGE);
    let end = (start + bytes) / HUGE_PAGE * HUGE_PAGE;
    if end > first {
        advise(first, end - first);
    }
}

#[cfg(target_os = "linux")]
fn advise(start: usize, len: usize) {
    // SAFETY: the range lies inside one live allocation of ours (whole pages of it), and
    // MADV_HUGEPAGE changes only how the kernel backs those pages, never their contents; an
    // error (THP unsupported) leaves everything as it was, so it is ignored.
    unsafe {
        libc::madvise(start as *mut libc::c_void, len, libc::MADV_HUGEPAGE);
    }
}

#[cfg(not(target_os = "linux"))]
fn advise(_start: usize, _len: usize) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advice_keeps_every_value_and_ignores_small_arrays() {
        // 12 MiB: several whole huge pages inside, advised before and after being written.
        let mut big = vec![0.0f64; 3 << 19];
        advise_huge_pages(&big);
        for (k, x) in big.iter_mut().enumerate() {
            *x = k as f64 * 0.5;
        }
        advise_huge_pages(&big);
        assert!(big.iter().enumerate().all(|(k, &x)| x == k as f64 * 0.5));
        let small = vec![7u8; 100];
        advise_huge_pages(&small);
        advise_huge_pages(&Vec::<i32>::new());
        assert!(small.iter().all(|&b| b == 7));
    }
}
