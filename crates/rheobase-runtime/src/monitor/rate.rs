//! `PopulationRateMonitor`: the fraction of a (sub)group that spiked each step, divided by dt.

use crate::error::{Result, RuntimeError};
use crate::network::{EventId, Network, ObjectEntry, ObjectId, Operation, StepContext};
use crate::neurongroup::NeuronGroup;
use crate::schedule::When;
use std::any::Any;
use std::ops::Range;

#[derive(Clone, Default)]
struct Rates {
    t: Vec<f64>,
    rate: Vec<f64>,
}

struct RateMonitorOp {
    event: EventId,
    range: Range<usize>,
    data: Rates,
}

impl Operation for RateMonitorOp {
    fn run(&mut self, cx: &mut StepContext<'_>) -> Result<()> {
        let spikes = cx.events[self.event.0]
            .iter()
            .filter(|&&k| self.range.contains(&(k as usize)))
            .count();
        self.data.t.push(cx.time.t);
        self.data
            .rate
            .push(spikes as f64 / (self.range.len() as f64 * cx.time.dt));
        Ok(())
    }

    fn save(&self) -> Option<Box<dyn Any + Send>> {
        Some(Box::new(self.data.clone()))
    }

    fn restore(&mut self, saved: &(dyn Any + Send)) {
        if let Some(d) = saved.downcast_ref::<Rates>() {
            self.data = d.clone();
        }
    }

    fn bytes_per_step(&self) -> u64 {
        16
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

/// The window of [`PopulationRateMonitor::smooth_rate`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SmoothingWindow {
    /// A Gaussian with this standard deviation (seconds), cut at +-2 standard deviations.
    Gaussian(f64),
    /// A rectangle of this width (seconds), rounded to an odd number of steps.
    Flat(f64),
}

/// Records the population rate of a (sub)group each step (slot `end`).
#[derive(Clone, Debug)]
pub struct PopulationRateMonitor {
    net: Network,
    object: ObjectId,
    name: String,
    clock: crate::clock::ClockId,
}

impl PopulationRateMonitor {
    pub fn new(source: &NeuronGroup, name: Option<&str>) -> Result<PopulationRateMonitor> {
        let event = source.event_id("spike")?;
        let net = source.network().clone();
        let mut core = net.lock();
        let name = core.unique_name(name.unwrap_or("ratemonitor"), name.is_some())?;
        let clock = core.group(source.id).clock;
        let object = core.add_object(ObjectEntry {
            name: name.clone(),
            when: When::new("end", 0),
            clock,
            active: true,
            op: Box::new(RateMonitorOp {
                event,
                range: source.range(),
                data: Rates::default(),
            }),
        })?;
        drop(core);
        Ok(PopulationRateMonitor {
            net,
            object,
            name,
            clock,
        })
    }

    fn with<R>(&self, f: impl FnOnce(&RateMonitorOp) -> R) -> R {
        self.net.with_object::<RateMonitorOp, R>(self.object, f)
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn t(&self) -> Vec<f64> {
        self.with(|m| m.data.t.clone())
    }

    /// The rate of each step in Hz.
    pub fn rate(&self) -> Vec<f64> {
        self.with(|m| m.data.rate.clone())
    }

    /// Takes out the times and rates recorded so far, `(t, rate)`, so that a long run can be
    /// written to disk in pieces with bounded memory; `t()`, `rate()` and `smooth_rate()` then
    /// see only the steps recorded after the drain.
    pub fn drain(&self) -> (Vec<f64>, Vec<f64>) {
        self.net
            .with_object_mut::<RateMonitorOp, _>(self.object, |m| {
                (
                    std::mem::take(&mut m.data.t),
                    std::mem::take(&mut m.data.rate),
                )
            })
    }

    /// The rate convolved with a normalised window, centred (numpy's `mode='same'`), as
    /// Brian2's `smooth_rate`.
    pub fn smooth_rate(&self, window: SmoothingWindow) -> Result<Vec<f64>> {
        let dt = self.net.lock().clocks[self.clock.0].dt;
        let weights: Vec<f64> = match window {
            SmoothingWindow::Gaussian(width) if width > 0.0 => {
                let half = (2.0 * width / dt).round_ties_even() as i64;
                (-half..=half)
                    .map(|k| (-((k * k) as f64) / (2.0 * (width / dt).powi(2))).exp())
                    .collect()
            }
            SmoothingWindow::Flat(width) if width > 0.0 => {
                // numpy rounds halves to even
                let len = (width / (2.0 * dt)).round_ties_even() as usize * 2 + 1;
                vec![1.0; len]
            }
            _ => {
                return Err(RuntimeError::invalid(
                    &self.name,
                    "the smoothing width must be positive",
                ))
            }
        };
        let total: f64 = weights.iter().sum();
        let rate = self.rate();
        Ok(convolve_same(
            &rate,
            &weights.iter().map(|w| w / total).collect::<Vec<_>>(),
        ))
    }
}

/// `np.convolve(x, w, mode='same')` for an odd-length window, truncated to `x.len()`.
fn convolve_same(x: &[f64], w: &[f64]) -> Vec<f64> {
    let half = (w.len() / 2) as isize;
    (0..x.len() as isize)
        .map(|k| {
            w.iter()
                .enumerate()
                .filter_map(|(j, wj)| {
                    let src = k + half - j as isize;
                    (src >= 0 && (src as usize) < x.len()).then(|| wj * x[src as usize])
                })
                .sum()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn convolution_is_centred_and_zero_padded() {
        let x = [0.0, 0.0, 3.0, 0.0, 0.0];
        let w = [1.0 / 3.0; 3];
        let y = convolve_same(&x, &w);
        assert_eq!(y, vec![0.0, 1.0, 1.0, 1.0, 0.0]);
        let edge = convolve_same(&[3.0, 0.0], &w);
        assert_eq!(edge, vec![1.0, 1.0]);
    }
}
