//! Clocks with Brian2's semantics: time is an integer step count times `dt`, run intervals are
//! rounded to whole steps (within 0.01% of a step, else up), and several clocks advance in
//! lock-step to whichever is earliest.

use std::sync::atomic::{AtomicU64, Ordering};

/// Times closer than this fraction of a step count as the same time (Brian2's
/// `Clock.epsilon_dt`).
pub const EPSILON_DT: f64 = 1e-4;

/// The default time step (Brian2's `defaultclock.dt`): 0.1 ms.
pub const DEFAULT_DT: f64 = 1e-4;

static NEXT_CLOCK_UID: AtomicU64 = AtomicU64::new(1);

/// A clock that objects can share: objects created with the same `Clock` run on the same steps.
#[derive(Clone, Debug, PartialEq)]
pub struct Clock {
    pub(crate) uid: u64,
    pub(crate) dt: f64,
    pub(crate) name: String,
}

impl Clock {
    /// A new clock with time step `dt` in seconds.
    pub fn new(dt: f64) -> Clock {
        Clock::named(dt, "clock")
    }

    pub fn named(dt: f64, name: impl Into<String>) -> Clock {
        Clock {
            uid: NEXT_CLOCK_UID.fetch_add(1, Ordering::Relaxed),
            dt,
            name: name.into(),
        }
    }

    pub fn dt(&self) -> f64 {
        self.dt
    }

    pub fn name(&self) -> &str {
        &self.name
    }
}

/// Index of a clock inside one network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClockId(pub usize);

/// The running state of one clock in a network.
#[derive(Clone, Debug, PartialEq)]
pub struct ClockState {
    pub uid: u64,
    pub name: String,
    pub dt: f64,
    /// The current step; `t = timestep * dt`.
    pub timestep: u64,
    /// The step at which the current run ends (exclusive).
    pub i_end: u64,
}

impl ClockState {
    pub fn new(clock: &Clock) -> ClockState {
        ClockState {
            uid: clock.uid,
            name: clock.name.clone(),
            dt: clock.dt,
            timestep: 0,
            i_end: 0,
        }
    }

    pub fn t(&self) -> f64 {
        self.timestep as f64 * self.dt
    }

    /// Positions the clock at `start` and sets the end of the run at `end`.
    pub fn set_interval(&mut self, start: f64, end: f64) {
        self.timestep = calc_timestep(start, self.dt);
        self.i_end = calc_timestep(end, self.dt);
    }

    pub fn running(&self) -> bool {
        self.timestep < self.i_end
    }
}

/// The step for time `t`: exact if `t` is within 0.01% of a step of a multiple of `dt`,
/// otherwise rounded up so that consecutive runs never repeat a step.
pub fn calc_timestep(t: f64, dt: f64) -> u64 {
    let rounded = (t / dt).round().max(0.0);
    let new_t = rounded * dt;
    if new_t == t || (new_t - t).abs() / dt <= EPSILON_DT {
        rounded as u64
    } else {
        (t / dt).ceil().max(0.0) as u64
    }
}

/// The clocks that run next: the one with the earliest time, and every clock whose time is the
/// same up to `EPSILON_DT` of the smaller step. Returns `None` for no clocks.
pub fn next_clocks(clocks: &[ClockState]) -> Option<(usize, Vec<usize>)> {
    let (min_k, min_clock) = clocks
        .iter()
        .enumerate()
        .min_by(|a, b| a.1.t().total_cmp(&b.1.t()))?;
    let min_t = min_clock.t();
    let current = clocks
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            let t = c.t();
            t == min_t || (t - min_t).abs() / min_clock.dt.min(c.dt) < EPSILON_DT
        })
        .map(|(k, _)| k)
        .collect();
    Some((min_k, current))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timesteps_round_within_epsilon_else_up() {
        assert_eq!(calc_timestep(0.0, 1e-4), 0);
        assert_eq!(calc_timestep(0.1, 1e-4), 1000);
        // 0.3 / 0.1e-3 is not exact in binary but within epsilon
        assert_eq!(calc_timestep(0.3, 1e-4), 3000);
        assert_eq!(calc_timestep(0.00015, 1e-4), 2);
    }

    #[test]
    fn clocks_advance_in_lock_step() {
        let mut a = ClockState::new(&Clock::new(1e-4));
        let mut b = ClockState::new(&Clock::new(3e-4));
        a.set_interval(0.0, 1e-3);
        b.set_interval(0.0, 1e-3);
        let mut clocks = vec![a, b];
        let mut visits = Vec::new();
        while let Some((first, cur)) = next_clocks(&clocks) {
            if !clocks[first].running() {
                break;
            }
            visits.push(cur.clone());
            for k in cur {
                clocks[k].timestep += 1;
            }
        }
        // b runs at steps 0, 3, 6, 9 of a (0, 0.3, 0.6, 0.9 ms)
        let both: Vec<usize> = visits
            .iter()
            .enumerate()
            .filter(|(_, c)| c.len() == 2)
            .map(|(k, _)| k)
            .collect();
        assert_eq!(both, vec![0, 3, 6, 9]);
        assert_eq!(visits.len(), 10);
        assert_eq!(clocks[1].timestep, 4);
    }
}
