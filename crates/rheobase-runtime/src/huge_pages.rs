//! The pages of large arrays. Transparent huge pages, asked for before the pages are first
//! touched, so that scattered reads (synaptic rows, delivery targets) miss the TLB far less
//! often; and pages faulted in ahead of a writer on another thread ([`prefault_spare`]), so
//! that the kernel's zeroing of fresh pages (in a virtual machine, a large share of
//! connecting 10^8 synapses) is not paid by the thread that makes them.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

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

/// Pages faulted in per request: small enough that stopping waits little.
const PREFAULT_CHUNK: usize = HUGE_PAGE;

/// A thread faulting in pages ahead of a writer; stopped and joined when dropped.
pub struct Prefault {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for Prefault {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Faults in, on another thread, the pages of `values`' spare capacity (the memory that
/// pushes will fill next), first pages first, if it is large (Linux only: elsewhere, and
/// where the kernel cannot, nothing happens). Keep the returned guard no longer than the
/// vector's allocation: dropping it stops the thread.
pub fn prefault_spare<T>(values: &Vec<T>) -> Option<Prefault> {
    let size = std::mem::size_of::<T>();
    let base = values.as_ptr() as usize;
    let start = (base + values.len() * size).next_multiple_of(4096);
    let end = (base + values.capacity() * size) / 4096 * 4096;
    if end < start + MIN_BYTES {
        return None;
    }
    let stop = Arc::new(AtomicBool::new(false));
    let stop_here = stop.clone();
    let thread = std::thread::Builder::new()
        .name("rheobase-prefault".into())
        .spawn(move || {
            let mut at = start;
            while at < end && !stop_here.load(Ordering::Relaxed) {
                let len = PREFAULT_CHUNK.min(end - at);
                if !populate(at, len) {
                    break;
                }
                at += len;
            }
        })
        .ok()?;
    Some(Prefault {
        stop,
        thread: Some(thread),
    })
}

#[cfg(target_os = "linux")]
fn populate(start: usize, len: usize) -> bool {
    // SAFETY: MADV_POPULATE_WRITE faults pages in as a write would, without writing: the
    // contents of every page stay what they are, whoever owns them. The range was spare
    // capacity of a live vector when the thread started; the guard outlives the thread's use
    // of it in the normal case, and if the vector moved meanwhile the range is unmapped (an
    // error, which ends the thread) or holds other memory, whose contents it does not change.
    unsafe { libc::madvise(start as *mut libc::c_void, len, libc::MADV_POPULATE_WRITE) == 0 }
}

#[cfg(not(target_os = "linux"))]
fn populate(_start: usize, _len: usize) -> bool {
    false
}

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

    #[test]
    fn prefaulting_changes_no_value_and_stops_when_dropped() {
        let mut values: Vec<u32> = Vec::with_capacity(16 << 20);
        values.extend(0..1000);
        let guard = prefault_spare(&values);
        assert_eq!(guard.is_some(), cfg!(target_os = "linux"));
        for k in 1000..(4 << 20) {
            values.push(k);
        }
        drop(guard);
        assert!(values.iter().enumerate().all(|(k, &x)| x == k as u32));
        assert!(prefault_spare(&vec![0u8; 100]).is_none());
    }
}
