//! Memory limits: requests that can be sized before allocating (`connect`, the recordings of
//! a run) are compared with the memory available, and refused with an estimate
//! (`runtime::out_of_memory`) instead of letting the operating system kill the process.
//!
//! The limit is the network's own ([`Network::set_memory_limit`]) when set, else
//! `MemAvailable` from `/proc/meminfo` (on systems without it nothing is checked).

use crate::error::{Result, RuntimeError};
use crate::network::Network;

/// `MemAvailable` of `/proc/meminfo` in bytes, if the system reports it.
pub fn available_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    parse_mem_available(&text)
}

fn parse_mem_available(meminfo: &str) -> Option<u64> {
    let line = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemAvailable:"))?;
    let mut words = line.split_whitespace();
    let value: u64 = words.next()?.parse().ok()?;
    match words.next() {
        Some("kB") | None => value.checked_mul(1024),
        Some(_) => None,
    }
}

/// The limit in force and where it comes from.
pub(crate) fn memory_limit(own: Option<u64>) -> Option<(u64, &'static str)> {
    match own {
        Some(limit) => Some((limit, "the network's memory limit")),
        None => available_memory().map(|m| (m, "MemAvailable in /proc/meminfo")),
    }
}

/// Refuses `needed_bytes` for `what` when it exceeds the limit.
pub(crate) fn check_memory(
    own_limit: Option<u64>,
    object: &str,
    what: impl FnOnce() -> String,
    needed_bytes: u64,
) -> Result<()> {
    let Some((limit, source)) = memory_limit(own_limit) else {
        return Ok(());
    };
    if needed_bytes <= limit {
        return Ok(());
    }
    Err(RuntimeError::OutOfMemory {
        object: object.to_string(),
        what: what(),
        needed_bytes,
        limit_bytes: limit,
        limit_source: source.to_string(),
    })
}

/// `a * b * ...` in bytes, saturating (an estimate past 16 EiB is refused all the same).
pub(crate) fn product(factors: &[f64]) -> u64 {
    let p: f64 = factors.iter().product();
    if p.is_finite() && p < u64::MAX as f64 {
        p.ceil() as u64
    } else {
        u64::MAX
    }
}

impl Network {
    /// Sets the memory limit (bytes) for what the network allocates on request (synapses,
    /// recordings); `None` (the default) uses what the operating system reports as available.
    pub fn set_memory_limit(&self, bytes: Option<u64>) {
        self.lock().memory_limit = bytes;
    }

    pub fn memory_limit(&self) -> Option<u64> {
        self.lock().memory_limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_mem_available_in_kilobytes() {
        let text = "MemTotal:       16318000 kB\nMemFree:  1000 kB\nMemAvailable:    8000000 kB\n";
        assert_eq!(parse_mem_available(text), Some(8_000_000 * 1024));
        assert_eq!(parse_mem_available("MemFree: 1 kB\n"), None);
        assert_eq!(parse_mem_available("MemAvailable: x kB\n"), None);
        if std::path::Path::new("/proc/meminfo").exists() {
            assert!(available_memory().unwrap() > 0);
        }
    }

    #[test]
    fn refuses_above_the_limit_with_the_estimate() {
        assert!(check_memory(Some(1000), "s", || "x".into(), 1000).is_ok());
        let e = check_memory(
            Some(1 << 30),
            "synapses",
            || "10^12 synapses".into(),
            1 << 43,
        )
        .unwrap_err();
        assert_eq!(e.code(), "runtime::out_of_memory");
        let text = e.to_string();
        assert!(
            text.contains("10^12 synapses would need about 8.0 TiB"),
            "{text}"
        );
        assert!(text.contains("1.0 GiB"), "{text}");
        assert_eq!(product(&[1e6, 1e6, 24.0]), 24_000_000_000_000);
        assert_eq!(product(&[1e300, 1e300]), u64::MAX);
    }
}

#[cfg(test)]
mod limit_tests {
    use crate::testing::test_backend;
    use crate::{
        Connect, Network, NeuronGroup, NeuronGroupOptions, NumberOrExpr, Record, SpikeMonitor,
        StateMonitor, Synapses, SynapsesOptions,
    };

    fn million(net: &Network) -> NeuronGroup {
        NeuronGroup::new(net, 1_000_000, "v : 1", NeuronGroupOptions::default()).unwrap()
    }

    /// Issue 9: `connect(p=1)` on 10^6 x 10^6 neurons is refused at once, with the estimate.
    #[test]
    fn an_impossible_connect_is_refused_instantly() {
        let net = Network::with_backend(test_backend());
        let (a, b) = (million(&net), million(&net));
        let s = Synapses::new(&a, &b, "w : 1", SynapsesOptions::default()).unwrap();
        let start = std::time::Instant::now();
        let e = s
            .connect(Connect {
                p: NumberOrExpr::Number(1.0),
                ..Default::default()
            })
            .unwrap_err();
        assert!(start.elapsed().as_secs_f64() < 0.5, "{:?}", start.elapsed());
        assert_eq!(e.code(), "runtime::out_of_memory", "{e}");
        let text = e.to_string();
        assert!(
            text.contains("1000000 x 1000000 neurons (1.000e12 synapses expected)"),
            "{text}"
        );
        assert!(text.contains("TiB"), "{text}");
        assert_eq!(s.len(), 0);
        // The same with a limit set by hand, and a connect that fits still works.
        net.set_memory_limit(Some(1 << 20));
        let e = s
            .connect(Connect {
                p: NumberOrExpr::Number(1e-6),
                ..Default::default()
            })
            .unwrap_err();
        assert!(e.to_string().contains("the network's memory limit"), "{e}");
        s.connect(Connect {
            p: NumberOrExpr::Number(1e-9),
            ..Default::default()
        })
        .unwrap();
    }

    #[test]
    fn a_huge_group_is_refused_before_allocating() {
        let net = Network::with_backend(test_backend());
        let e =
            NeuronGroup::new(&net, 1 << 50, "v : 1", NeuronGroupOptions::default()).unwrap_err();
        assert_eq!(e.code(), "runtime::out_of_memory");
        assert!(
            e.to_string()
                .contains("a NeuronGroup of 1125899906842624 neurons"),
            "{e}"
        );
        // The name stays free.
        NeuronGroup::new(&net, 3, "v : 1", NeuronGroupOptions::default()).unwrap();
    }

    #[test]
    fn a_conditional_connect_is_checked_before_its_arrays_grow() {
        let net = Network::with_backend(test_backend());
        let g = NeuronGroup::new(&net, 300, "v : 1", NeuronGroupOptions::default()).unwrap();
        let s = Synapses::new(&g, &g, "w : 1", SynapsesOptions::default()).unwrap();
        net.set_memory_limit(Some(100_000));
        let e = s
            .connect(Connect {
                condition: Some("i != j".into()),
                ..Default::default()
            })
            .unwrap_err();
        assert_eq!(e.code(), "runtime::out_of_memory");
        assert!(e.to_string().contains("made 89700 synapses"), "{e}");
        assert_eq!(s.len(), 0);
    }

    #[test]
    fn a_run_whose_recordings_cannot_fit_is_refused_before_it_starts() {
        let net = Network::with_backend(test_backend());
        let g = NeuronGroup::new(&net, 1000, "v : 1", NeuronGroupOptions::default()).unwrap();
        let m = StateMonitor::new(&g, &["v"], Record::All, Default::default()).unwrap();
        net.set_memory_limit(Some(10 << 20));
        // 1000 neurons x 8 bytes x 10^4 steps = 80 MB.
        let e = net.run(1.0).unwrap_err();
        assert_eq!(e.code(), "runtime::out_of_memory");
        assert!(e.to_string().contains("'statemonitor'"), "{e}");
        assert_eq!(net.t(), 0.0);
        // Shorter runs, drained in between, fit.
        net.run(0.05).unwrap();
        assert_eq!(m.drain().t.len(), 500);
        net.run(0.05).unwrap();
    }

    #[test]
    fn a_spike_monitor_stops_the_run_when_its_recordings_outgrow_the_limit() {
        let net = Network::with_backend(test_backend());
        // Every neuron spikes every step: 1000 events per step, 16 bytes each.
        let g = NeuronGroup::new(
            &net,
            1000,
            "v : 1",
            NeuronGroupOptions {
                threshold: Some("True".into()),
                ..Default::default()
            },
        )
        .unwrap();
        let m = SpikeMonitor::spikes(&g, Default::default()).unwrap();
        net.set_memory_limit(Some(1 << 20));
        let e = net.run(1.0).unwrap_err();
        assert_eq!(e.code(), "runtime::out_of_memory");
        assert!(e.to_string().contains("'spikemonitor'"), "{e}");
        assert!(e.to_string().contains("events"), "{e}");
        // The run stopped early with what was recorded so far, and can be drained and continued.
        assert_eq!(m.num_events(), m.t().len() as u64);
        let recorded = m.drain().t.len();
        assert!(recorded > 0 && recorded <= 65_536, "{recorded}");
        assert!(net.t() < 0.1, "{}", net.t());
        net.run(0.001).unwrap();
    }
}
