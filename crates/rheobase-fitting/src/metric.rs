//! Errors between simulated and recorded data, following brian2modelfitting's metrics.
//!
//! A metric gives one error per candidate from that candidate's simulated results for every
//! input protocol; lower is better.

/// An error between simulated traces and recorded ones.
pub trait TraceMetric: Send + Sync {
    /// `simulated[k]` and `target[k]` are the traces of protocol `k`, sampled every `dt`.
    fn error(&self, simulated: &[&[f64]], target: &[Vec<f64>], dt: f64) -> f64;

    /// Checks the metric's options against traces of `n_samples` samples, before a fit.
    fn check(&self, _n_samples: usize) -> Result<(), String> {
        Ok(())
    }

    /// The errors of consecutive candidates from their traces as a monitor records them:
    /// time-major, `samples[t * n_neurons + c * target.len() + k]` is candidate `c` on
    /// protocol `k` at sample `t`. Gives `error`'s results bit for bit; this default gathers
    /// each candidate's traces and calls it, metrics that can stream through the rows
    /// override it (no copy of the recording).
    fn errors_time_major(
        &self,
        samples: &[f64],
        n_neurons: usize,
        target: &[Vec<f64>],
        dt: f64,
    ) -> Vec<f64> {
        let n_traces = target.len();
        if n_neurons == 0 || n_traces == 0 {
            return Vec::new();
        }
        let n_steps = samples.len() / n_neurons;
        (0..n_neurons / n_traces)
            .map(|c| {
                let traces: Vec<Vec<f64>> = (0..n_traces)
                    .map(|k| {
                        let j = c * n_traces + k;
                        (0..n_steps).map(|t| samples[t * n_neurons + j]).collect()
                    })
                    .collect();
                let views: Vec<&[f64]> = traces.iter().map(|t| t.as_slice()).collect();
                self.error(&views, target, dt)
            })
            .collect()
    }
}

/// An error between simulated spike trains and recorded ones (times in seconds).
pub trait SpikeMetric: Send + Sync {
    /// `simulated[k]` and `target[k]` are the spike times for protocol `k`; `duration` is
    /// the length of the simulated input.
    fn error(&self, simulated: &[Vec<f64>], target: &[Vec<f64>], dt: f64, duration: f64) -> f64;

    /// Checks the metric's options before a fit.
    fn check(&self) -> Result<(), String> {
        Ok(())
    }
}

/// Mean squared error (brian2modelfitting's `MSEMetric`): the traces are divided by
/// `normalization`, squared differences are averaged over time (from `t_start`, or weighted by
/// `t_weights`), then over protocols.
#[derive(Clone, Debug, PartialEq)]
pub struct MseMetric {
    /// Samples before this time (seconds) are ignored.
    pub t_start: f64,
    /// One weight per sample (only relative values matter; 0 ignores a sample). Cannot be
    /// combined with `t_start`; a fitter checks the length.
    pub t_weights: Option<Vec<f64>>,
    /// Traces are divided by this value (in the output's SI unit) before squaring.
    pub normalization: f64,
}

impl Default for MseMetric {
    fn default() -> Self {
        MseMetric {
            t_start: 0.0,
            t_weights: None,
            normalization: 1.0,
        }
    }
}

impl MseMetric {
    fn check_options(&self, n_samples: usize) -> Result<(), String> {
        if !(self.normalization.is_finite() && self.normalization != 0.0) {
            return Err("the MSE normalization must be finite and not zero".into());
        }
        if let Some(w) = &self.t_weights {
            if self.t_start != 0.0 {
                return Err("cannot use both 't_weights' and 't_start'".into());
            }
            if w.len() != n_samples {
                return Err(format!(
                    "'t_weights' has {} values but the traces have {n_samples} samples",
                    w.len()
                ));
            }
            if w.iter().any(|&x| !(x >= 0.0 && x.is_finite())) {
                return Err("weights in 't_weights' must be positive or zero".into());
            }
            if w.iter().all(|&x| x == 0.0) {
                return Err("weights in 't_weights' cannot all be zero".into());
            }
        }
        Ok(())
    }
}

impl TraceMetric for MseMetric {
    fn check(&self, n_samples: usize) -> Result<(), String> {
        self.check_options(n_samples)
    }

    fn error(&self, simulated: &[&[f64]], target: &[Vec<f64>], dt: f64) -> f64 {
        let scale = 1.0 / self.normalization;
        let start = self.first_sample(dt);
        let mut total = 0.0;
        for (sim, data) in simulated.iter().zip(target) {
            let n = sim.len().min(data.len());
            let per_trace = match &self.t_weights {
                Some(w) => {
                    let mean_w = w.iter().sum::<f64>() / w.len() as f64;
                    (0..n)
                        .map(|k| w[k] / mean_w * ((sim[k] - data[k]) * scale).powi(2))
                        .sum::<f64>()
                        / n.max(1) as f64
                }
                None => {
                    let start = start.min(n);
                    (start..n)
                        .map(|k| ((sim[k] - data[k]) * scale).powi(2))
                        .sum::<f64>()
                        / (n - start).max(1) as f64
                }
            };
            total += per_trace;
        }
        total / simulated.len().max(1) as f64
    }

    /// One pass over the rows with a running sum per neuron: the same operations in the
    /// same order as `error`, so the same bits.
    fn errors_time_major(
        &self,
        samples: &[f64],
        n_neurons: usize,
        target: &[Vec<f64>],
        dt: f64,
    ) -> Vec<f64> {
        let n_traces = target.len();
        if n_neurons == 0 || n_traces == 0 {
            return Vec::new();
        }
        let scale = 1.0 / self.normalization;
        let n = (samples.len() / n_neurons).min(target.iter().map(Vec::len).min().unwrap_or(0));
        // `w[k] / mean_w`, as `error` computes it for each sample.
        let factors: Option<Vec<f64>> = self.t_weights.as_ref().map(|w| {
            let mean_w = w.iter().sum::<f64>() / w.len() as f64;
            w.iter().map(|&x| x / mean_w).collect()
        });
        let (first, count) = match &factors {
            Some(_) => (0, n.max(1)),
            None => {
                let start = self.first_sample(dt).min(n);
                (start, (n - start).max(1))
            }
        };
        let mut sums = vec![0.0; n_neurons];
        // The recorded value each neuron is compared with at this sample (neuron `j` runs
        // protocol `j % n_traces`), laid out by doubling copies, so that the sum runs as one
        // flat, vectorised loop (twice as fast as a loop per candidate).
        let mut data_row = vec![0.0; n_neurons.max(n_traces)];
        for t in first..n {
            for (x, trace) in data_row.iter_mut().zip(target) {
                *x = trace[t];
            }
            let mut filled = n_traces;
            while filled < n_neurons {
                let more = filled.min(n_neurons - filled);
                data_row.copy_within(..more, filled);
                filled += more;
            }
            let row = &samples[t * n_neurons..(t + 1) * n_neurons];
            let terms = sums.iter_mut().zip(row).zip(&data_row);
            match &factors {
                Some(f) => {
                    let f = f[t];
                    for ((s, &x), &d) in terms {
                        *s += f * ((x - d) * scale).powi(2);
                    }
                }
                None => {
                    for ((s, &x), &d) in terms {
                        *s += ((x - d) * scale).powi(2);
                    }
                }
            }
        }
        sums.chunks_exact(n_traces)
            .map(|per_trace| {
                let mut total = 0.0;
                for &s in per_trace {
                    total += s / count as f64;
                }
                total / n_traces as f64
            })
            .collect()
    }
}

impl MseMetric {
    /// The first sample at or after `t_start`.
    fn first_sample(&self, dt: f64) -> usize {
        ((self.t_start / dt).round().max(0.0)) as usize
    }
}

/// brian2modelfitting's `GammaFactor`: the coincidence factor Γ of Kistler et al. (1997) and
/// Jolivet et al. (2008), as an error.
///
/// Spike times are rounded to time steps. A data spike is coincident when the nearest model
/// spike is within `delta` (in steps, rounded). With `N_data`, `N_model` spikes, the rate
/// convention `r = N_data / time` (spikes over the whole duration, as brian2modelfitting does),
/// and `N_coinc` coincidences:
///
/// ```text
/// Γ = (N_coinc - 2 δ N_data r) / (½ (1 - 2 δ r) (N_data + N_model))
/// error = 1 + 2 |r_data - r_model| / r_data - Γ      (rate_correction, the default)
/// error = 1 - Γ                                      (without)
/// ```
///
/// clipped below at 0, averaged over protocols and multiplied by `1 / normalization`.
/// Identical trains give Γ = 1 (error 0). Edge cases brian2modelfitting leaves undefined:
/// with no data spike, the error is 0 when the model is silent too and `1 + 2 N_model` (a
/// penalty growing with the extra spikes) otherwise.
#[derive(Clone, Debug, PartialEq)]
pub struct GammaFactor {
    /// Coincidence window (seconds).
    pub delta: f64,
    /// The duration used for rates; `None` is the length of the input.
    pub time: Option<f64>,
    pub rate_correction: bool,
    /// Spikes at or before this time are ignored.
    pub t_start: f64,
    pub normalization: f64,
}

impl GammaFactor {
    pub fn new(delta: f64) -> GammaFactor {
        GammaFactor {
            delta,
            time: None,
            rate_correction: true,
            t_start: 0.0,
            normalization: 1.0,
        }
    }

    /// Γ itself for one pair of trains (`None` when both are empty).
    pub fn gamma(&self, model: &[f64], data: &[f64], dt: f64, time: f64) -> Option<f64> {
        let to_steps =
            |v: &[f64]| -> Vec<i64> { v.iter().map(|t| (t / dt).round() as i64).collect() };
        let model = to_steps(model);
        let data = to_steps(data);
        let delta_steps = (self.delta / dt).round() as i64;
        if model.is_empty() && data.is_empty() {
            return None;
        }
        let coincidences = data
            .iter()
            .filter(|&&d| {
                // The nearest model spike (model is sorted by time).
                let pos = model.partition_point(|&m| m < d);
                let before = pos.checked_sub(1).map(|k| d - model[k]);
                let after = model.get(pos).map(|&m| m - d);
                let nearest = match (before, after) {
                    (Some(b), Some(a)) => b.min(a),
                    (Some(b), None) => b,
                    (None, Some(a)) => a,
                    (None, None) => return false,
                };
                nearest <= delta_steps
            })
            .count() as f64;
        let n_data = data.len() as f64;
        let n_model = model.len() as f64;
        let data_rate = n_data / time;
        let expected = 2.0 * self.delta * n_data * data_rate;
        let norm = 0.5 * (1.0 - 2.0 * data_rate * self.delta);
        Some((coincidences - expected) / (norm * (n_model + n_data)))
    }

    fn trace_error(&self, model: &[f64], data: &[f64], dt: f64, time: f64) -> f64 {
        if data.is_empty() {
            return if model.is_empty() {
                0.0
            } else {
                1.0 + 2.0 * model.len() as f64
            };
        }
        let gamma = self.gamma(model, data, dt, time).unwrap_or(1.0);
        let rate_term = if self.rate_correction {
            let (rd, rm) = (data.len() as f64 / time, model.len() as f64 / time);
            1.0 + 2.0 * ((rd - rm) / rd).abs()
        } else {
            1.0
        };
        (rate_term - gamma).max(0.0)
    }
}

/// Keeps spike times after `t_start`.
fn after(times: &[f64], t_start: f64) -> Vec<f64> {
    times.iter().copied().filter(|&t| t > t_start).collect()
}

impl SpikeMetric for GammaFactor {
    fn check(&self) -> Result<(), String> {
        if !(self.delta > 0.0 && self.delta.is_finite()) {
            return Err(format!(
                "the gamma factor's coincidence window delta must be positive, got {} s",
                self.delta
            ));
        }
        if let Some(time) = self.time {
            if !(time > 0.0 && time.is_finite()) {
                return Err(format!(
                    "the gamma factor's time must be positive, got {time} s"
                ));
            }
        }
        if !(self.normalization.is_finite() && self.normalization != 0.0) {
            return Err("the gamma factor's normalization must be finite and not zero".into());
        }
        Ok(())
    }

    fn error(&self, simulated: &[Vec<f64>], target: &[Vec<f64>], dt: f64, duration: f64) -> f64 {
        let time = self.time.unwrap_or(duration);
        let total: f64 = simulated
            .iter()
            .zip(target)
            .map(|(m, d)| {
                let (m, d) = if self.t_start > 0.0 {
                    (after(m, self.t_start), after(d, self.t_start))
                } else {
                    (m.clone(), d.clone())
                };
                self.trace_error(&m, &d, dt, time)
            })
            .sum();
        total / simulated.len().max(1) as f64 / self.normalization
    }
}

/// A simple spike-train error: the relative difference of spike counts plus the mean
/// distance (in units of `tau`) between each data spike and the nearest model spike, capped
/// at 1 per spike. 0 for identical trains; a silent model scores `1 + 1` per protocol with
/// data spikes.
#[derive(Clone, Debug, PartialEq)]
pub struct SpikeCountMetric {
    /// Time scale of the timing term (seconds); `None` compares counts only.
    pub tau: Option<f64>,
}

impl SpikeMetric for SpikeCountMetric {
    fn error(&self, simulated: &[Vec<f64>], target: &[Vec<f64>], _dt: f64, _duration: f64) -> f64 {
        let total: f64 = simulated
            .iter()
            .zip(target)
            .map(|(m, d)| {
                let count = (m.len() as f64 - d.len() as f64).abs() / d.len().max(1) as f64;
                let timing = match self.tau {
                    Some(tau) if !d.is_empty() => {
                        d.iter()
                            .map(|&t| {
                                m.iter()
                                    .map(|&s| ((s - t).abs() / tau).min(1.0))
                                    .fold(1.0, f64::min)
                            })
                            .sum::<f64>()
                            / d.len() as f64
                    }
                    _ => 0.0,
                };
                count + timing
            })
            .sum();
        total / simulated.len().max(1) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DT: f64 = 1e-4;

    #[test]
    fn mse_with_window_weights_and_normalization() {
        let sim = [1.0, 2.0, 3.0, 4.0];
        let data = vec![vec![1.0, 2.0, 5.0, 4.0]];
        let m = MseMetric::default();
        assert_eq!(m.error(&[&sim], &data, DT), 1.0); // (3-5)^2 / 4 samples
        let from_third = MseMetric {
            t_start: 2.0 * DT,
            ..Default::default()
        };
        assert_eq!(from_third.error(&[&sim], &data, DT), 2.0); // 4 / 2 samples
        let normalized = MseMetric {
            normalization: 2.0,
            ..Default::default()
        };
        assert_eq!(normalized.error(&[&sim], &data, DT), 0.25);
        let weighted = MseMetric {
            t_weights: Some(vec![0.0, 0.0, 1.0, 1.0]),
            ..Default::default()
        };
        // Weights normalised to mean 1: (0, 0, 2, 2); mean of 2 * 4 and 0 over 4 samples.
        assert_eq!(weighted.error(&[&sim], &data, DT), 2.0);
        assert!(weighted.check(4).is_ok());
        assert!(weighted.check(5).is_err());
        assert!(MseMetric {
            t_weights: Some(vec![0.0; 4]),
            ..Default::default()
        }
        .check(4)
        .is_err());
    }

    /// Deterministic, irregular values (no two alike), so that a reordered sum would show.
    fn wiggle(k: usize) -> f64 {
        ((k as f64 * 0.618_033_988_7).fract() - 0.5) * 1e-2 + (k as f64 * 1e-3).sin()
    }

    #[test]
    fn time_major_errors_are_the_bits_of_error() {
        let (n_candidates, n_traces, n_steps) = (5, 3, 40);
        let n_neurons = n_candidates * n_traces;
        let samples: Vec<f64> = (0..n_steps * n_neurons).map(wiggle).collect();
        let target: Vec<Vec<f64>> = (0..n_traces)
            .map(|k| (0..n_steps).map(|t| wiggle(7919 * (k + 1) + t)).collect())
            .collect();
        let weights: Vec<f64> = (0..n_steps).map(|t| (t % 7) as f64 * 0.3).collect();
        let metrics = [
            MseMetric::default(),
            MseMetric {
                t_start: 11.0 * DT,
                normalization: 1e-3,
                ..Default::default()
            },
            MseMetric {
                t_start: 1.0,
                ..Default::default()
            },
            MseMetric {
                t_weights: Some(weights),
                normalization: 3.0,
                ..Default::default()
            },
        ];
        /// The trait's default (gather, then `error`), to check it too.
        struct Gathered<'a>(&'a MseMetric);
        impl TraceMetric for Gathered<'_> {
            fn error(&self, simulated: &[&[f64]], target: &[Vec<f64>], dt: f64) -> f64 {
                self.0.error(simulated, target, dt)
            }
        }
        for m in &metrics {
            let expected: Vec<u64> = (0..n_candidates)
                .map(|c| {
                    let traces: Vec<Vec<f64>> = (0..n_traces)
                        .map(|k| {
                            let j = c * n_traces + k;
                            (0..n_steps).map(|t| samples[t * n_neurons + j]).collect()
                        })
                        .collect();
                    let views: Vec<&[f64]> = traces.iter().map(|t| t.as_slice()).collect();
                    m.error(&views, &target, DT).to_bits()
                })
                .collect();
            let streamed = m.errors_time_major(&samples, n_neurons, &target, DT);
            let gathered = Gathered(m).errors_time_major(&samples, n_neurons, &target, DT);
            let bits = |v: Vec<f64>| v.into_iter().map(f64::to_bits).collect::<Vec<_>>();
            assert_eq!(bits(streamed), expected, "{m:?}");
            assert_eq!(bits(gathered), expected, "{m:?}");
        }
    }

    #[test]
    fn gamma_of_identical_trains_is_one() {
        let g = GammaFactor::new(2e-3);
        let train = vec![0.010, 0.050, 0.120, 0.300];
        let gamma = g.gamma(&train, &train, DT, 1.0).unwrap();
        assert!((gamma - 1.0).abs() < 1e-12, "{gamma}");
        assert!(
            g.error(
                std::slice::from_ref(&train),
                std::slice::from_ref(&train),
                DT,
                1.0
            )
            .abs()
                < 1e-12
        );
    }

    #[test]
    fn gamma_of_fully_shifted_trains_is_at_or_below_chance() {
        // 4 spikes in 1 s, delta = 2 ms, model shifted by 20 ms: no coincidence.
        // r = 4 Hz, expected = 2 * 0.002 * 4 * 4 = 0.064, norm = 0.5 * (1 - 0.016) = 0.492,
        // Γ = (0 - 0.064) / (0.492 * 8) = -0.01626...; the error with equal rates is 1 - Γ.
        let g = GammaFactor::new(2e-3);
        let data = vec![0.100, 0.300, 0.500, 0.700];
        let model: Vec<f64> = data.iter().map(|t| t + 0.020).collect();
        let gamma = g.gamma(&model, &data, DT, 1.0).unwrap();
        assert!((gamma - (-0.064 / (0.492 * 8.0))).abs() < 1e-12, "{gamma}");
        let e = g.error(&[model], &[data], DT, 1.0);
        assert!((e - (1.0 - gamma)).abs() < 1e-12);
    }

    #[test]
    fn gamma_partial_match_and_rate_correction() {
        // Data: 4 spikes; model: 2 of them within 1 ms (delta 2 ms), none elsewhere.
        // N_coinc = 2, r_data = 4 Hz (time 1 s), expected 0.064, norm 0.492,
        // Γ = (2 - 0.064) / (0.492 * 6) = 0.655826...
        // rate term = 1 + 2 |4 - 2| / 4 = 2; error = 2 - Γ.
        let g = GammaFactor::new(2e-3);
        let data = vec![0.100, 0.300, 0.500, 0.700];
        let model = vec![0.1008, 0.4995];
        let gamma = g.gamma(&model, &data, DT, 1.0).unwrap();
        let expected = (2.0 - 0.064) / (0.492 * 6.0);
        assert!((gamma - expected).abs() < 1e-12, "{gamma} vs {expected}");
        let e = g.error(
            std::slice::from_ref(&model),
            std::slice::from_ref(&data),
            DT,
            1.0,
        );
        assert!((e - (2.0 - expected)).abs() < 1e-12);
        let no_rate = GammaFactor {
            rate_correction: false,
            ..GammaFactor::new(2e-3)
        };
        let e = no_rate.error(&[model], &[data], DT, 1.0);
        assert!((e - (1.0 - expected)).abs() < 1e-12);
    }

    #[test]
    fn gamma_hand_checked_cases() {
        // Fully shifted: every model spike 10 ms after a data spike (delta 1 ms), so no
        // coincidence. With 5 spikes in 10 s (r = 0.5 Hz) the chance term is tiny:
        // expected = 2 * 0.001 * 5 * 0.5 = 0.005, norm = 0.5 * (1 - 0.001) = 0.4995,
        // Γ = -0.005 / (0.4995 * 10) = -0.001001: zero up to the chance correction
        // (Γ = 0 means "no better than chance"; it is exactly -2 r δ / (1 - 2 r δ) here).
        let g = GammaFactor::new(1e-3);
        let data = vec![1.0, 3.0, 5.0, 7.0, 9.0];
        let shifted: Vec<f64> = data.iter().map(|t| t + 0.010).collect();
        let gamma = g.gamma(&shifted, &data, DT, 10.0).unwrap();
        assert!((gamma - -0.005 / (0.4995 * 10.0)).abs() < 1e-12, "{gamma}");
        assert!(gamma.abs() < 2e-3);
        // Half matched, same count: model spikes at 1.0005, 3.0, 5.02, 7.03, 9.0 -> data
        // spikes 1, 3 and 9 have a model spike within 1 ms: N_coinc = 3,
        // Γ = (3 - 0.005) / (0.4995 * 10) = 0.5996; rate term 1, error 1 - Γ = 0.4004.
        let partial = vec![1.0005, 3.0, 5.02, 7.03, 9.0];
        let gamma = g.gamma(&partial, &data, DT, 10.0).unwrap();
        assert!((gamma - 2.995 / 4.995).abs() < 1e-12, "{gamma}");
        let e = g.error(&[partial], std::slice::from_ref(&data), DT, 10.0);
        assert!((e - (1.0 - 2.995 / 4.995)).abs() < 1e-12);
        // Extra model spikes: every data spike matched, plus 5 spurious ones (10 in all):
        // Γ = (5 - 0.005) / (0.4995 * 15) = 0.66667 (2/3 up to chance), and the rate term
        // 1 + 2 |0.5 - 1| / 0.5 = 3 gives the error 3 - Γ.
        let mut doubled = data.clone();
        doubled.extend(data.iter().map(|t| t + 0.5));
        doubled.sort_by(f64::total_cmp);
        let gamma = g.gamma(&doubled, &data, DT, 10.0).unwrap();
        assert!((gamma - 4.995 / 7.4925).abs() < 1e-12, "{gamma}");
        let e = g.error(&[doubled], std::slice::from_ref(&data), DT, 10.0);
        assert!((e - (3.0 - 4.995 / 7.4925)).abs() < 1e-12);
        // The window is inclusive: a shift of exactly delta (10 steps of 0.1 ms) coincides.
        let at_edge: Vec<f64> = data.iter().map(|t| t + 1e-3).collect();
        let gamma = g.gamma(&at_edge, &data, DT, 10.0).unwrap();
        assert!((gamma - 4.995 / 4.995).abs() < 1e-12, "{gamma}");
        // Bad options are refused before a fit.
        assert!(GammaFactor::new(0.0).check().is_err());
        assert!(GammaFactor::new(1e-3).check().is_ok());
    }

    #[test]
    fn gamma_edge_cases_do_not_divide_by_zero() {
        let g = GammaFactor::new(2e-3);
        assert_eq!(g.error(&[vec![]], &[vec![]], DT, 1.0), 0.0);
        assert_eq!(g.error(&[vec![0.1, 0.2]], &[vec![]], DT, 1.0), 5.0);
        // Silent model: Γ = -expected / (norm * N_data); the rate term is 3.
        let e = g.error(&[vec![]], &[vec![0.5]], DT, 1.0);
        assert!(e > 3.0 && e.is_finite(), "{e}");
        // A single model spike uses the same nearest-spike rule.
        let one = g.gamma(&[0.5], &[0.5, 0.9], DT, 1.0).unwrap();
        assert!(one > 0.5);
    }

    #[test]
    fn t_start_ignores_early_spikes() {
        let g = GammaFactor {
            t_start: 0.2,
            ..GammaFactor::new(2e-3)
        };
        let e = g.error(&[vec![0.05, 0.5]], &[vec![0.15, 0.5]], DT, 1.0);
        assert!(e.abs() < 1e-12);
    }

    #[test]
    fn spike_count_metric() {
        let m = SpikeCountMetric { tau: None };
        assert_eq!(
            m.error(&[vec![0.1, 0.2]], &[vec![0.1, 0.2, 0.3, 0.4]], DT, 1.0),
            0.5
        );
        let timed = SpikeCountMetric { tau: Some(0.01) };
        let e = timed.error(&[vec![0.105]], &[vec![0.1]], DT, 1.0);
        assert!((e - 0.5).abs() < 1e-9);
        assert_eq!(timed.error(&[vec![]], &[vec![0.1]], DT, 1.0), 2.0);
    }
}
