//! Interrupts: a poll the embedding program installs ([`Network::set_interrupt`]) that long
//! operations (a run, `connect()`) call about every 50 ms of wall time. When it answers `true`
//! (Python: Ctrl+C was pressed) the operation stops with
//! [`crate::error::RuntimeError::Interrupted`],
//! leaving a consistent state: a run after its current step, `connect()` before adding any
//! synapse.

use crate::network::Network;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Answers whether the operation in progress should stop. Called on the thread that started
/// the operation, possibly with the network locked: it must not use the network.
pub type InterruptPoll = Arc<dyn Fn() -> bool + Send + Sync>;

/// How often the poll is called at most.
const PERIOD: Duration = Duration::from_millis(50);

/// Counts cheap ticks and reads the clock only every `2^shift` of them, so loops of a few
/// nanoseconds per iteration can tick every iteration.
pub(crate) struct Interrupter {
    poll: Option<InterruptPoll>,
    mask: u32,
    ticks: u32,
    last: Instant,
}

impl Interrupter {
    /// `shift`: the clock is read every `2^shift` ticks (0 for loops of microseconds or more).
    pub(crate) fn new(poll: Option<InterruptPoll>, shift: u32) -> Interrupter {
        Interrupter {
            poll,
            mask: (1u32 << shift.min(31)) - 1,
            ticks: 0,
            last: Instant::now(),
        }
    }

    /// `true` when the poll asked to stop.
    #[inline]
    pub(crate) fn tick(&mut self) -> bool {
        if self.poll.is_none() {
            return false;
        }
        self.ticks = self.ticks.wrapping_add(1);
        if self.ticks & self.mask != 0 {
            return false;
        }
        self.check()
    }

    #[cold]
    fn check(&mut self) -> bool {
        let now = Instant::now();
        if now.duration_since(self.last) < PERIOD {
            return false;
        }
        self.last = now;
        self.poll.as_ref().is_some_and(|poll| poll())
    }
}

impl Network {
    /// Installs (or with `None` removes) the poll that runs and `connect()` call about every
    /// 50 ms; when it returns `true` they stop with `runtime::interrupted`.
    pub fn set_interrupt(&self, poll: Option<InterruptPoll>) {
        self.lock().interrupt = poll;
    }

    pub(crate) fn interrupter(&self, shift: u32) -> Interrupter {
        Interrupter::new(self.lock().interrupt.clone(), shift)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::test_backend;
    use crate::{Connect, NeuronGroup, NeuronGroupOptions, Synapses, SynapsesOptions};
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn without_a_poll_nothing_is_interrupted() {
        let mut i = Interrupter::new(None, 0);
        std::thread::sleep(PERIOD);
        assert!(!i.tick());
    }

    #[test]
    fn the_poll_is_called_at_most_every_period() {
        let calls = Arc::new(AtomicUsize::new(0));
        let c = calls.clone();
        let mut i = Interrupter::new(
            Some(Arc::new(move || {
                c.fetch_add(1, Ordering::Relaxed);
                false
            })),
            0,
        );
        for _ in 0..1000 {
            assert!(!i.tick());
        }
        assert_eq!(calls.load(Ordering::Relaxed), 0);
        std::thread::sleep(PERIOD);
        assert!(!i.tick());
        assert_eq!(calls.load(Ordering::Relaxed), 1);
    }

    #[test]
    fn an_interrupted_run_stops_after_a_step_and_runs_on() {
        let net = Network::with_backend(test_backend());
        let g = NeuronGroup::new(
            &net,
            1,
            "dv/dt = 1/second : 1",
            NeuronGroupOptions::default(),
        )
        .unwrap();
        let started = Instant::now();
        net.set_interrupt(Some(Arc::new(move || {
            started.elapsed() > Duration::from_millis(100)
        })));
        // Far longer than the test may take: only the interrupt ends it.
        let e = net.run(1e6).unwrap_err();
        assert_eq!(e.code(), "runtime::interrupted");
        assert!(started.elapsed() < Duration::from_secs(5));
        let t = net.t();
        assert!(t > 0.0 && t < 1e6);
        // State and time agree (v grows by dt per step), and the network runs on.
        assert!((g.get("v").unwrap()[0] - t).abs() < 1e-6, "{t}");
        net.set_interrupt(None);
        net.run(0.001).unwrap();
        assert!((net.t() - (t + 0.001)).abs() < 1e-9);
    }

    #[test]
    fn an_interrupted_connect_adds_nothing() {
        let net = Network::with_backend(test_backend());
        let g = NeuronGroup::new(&net, 100_000, "x : 1", NeuronGroupOptions::default()).unwrap();
        let s = Synapses::new(&g, &g, "w : 1", SynapsesOptions::default()).unwrap();
        let started = Instant::now();
        net.set_interrupt(Some(Arc::new(move || {
            started.elapsed() > Duration::from_millis(100)
        })));
        // 10^10 candidate pairs: only the interrupt ends it in time.
        let e = s.connect(Connect::condition("i == j + 1")).unwrap_err();
        assert_eq!(e.code(), "runtime::interrupted");
        assert!(
            e.to_string().contains("connect(condition='i == j + 1')"),
            "{e}"
        );
        assert!(started.elapsed() < Duration::from_secs(5));
        assert_eq!(s.len(), 0);
    }
}
