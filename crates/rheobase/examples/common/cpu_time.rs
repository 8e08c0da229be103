//! CPU time of the calling thread, so that timings on a shared machine are not inflated by
//! other processes (Linux: `/proc/thread-self/schedstat`; elsewhere wall time).

use std::time::Instant;

fn cpu_seconds() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = text.split_whitespace().next()?.parse().ok()?;
    Some(ns * 1e-9)
}

/// Runs `f` and returns its result with the seconds it took (thread CPU time where available).
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let (cpu, wall) = (cpu_seconds(), Instant::now());
    let out = f();
    let elapsed = match (cpu, cpu_seconds()) {
        (Some(a), Some(b)) => b - a,
        _ => wall.elapsed().as_secs_f64(),
    };
    (out, elapsed)
}
