//! Feature-based errors (brian2modelfitting's `FeatureMetric`, which uses eFEL; this is a
//! small native set). Each feature is computed on the simulated and the recorded data of a
//! protocol and compared as a normalised difference `d_f`; the error of a candidate is
//! `sum_f w_f d_f`, averaged over protocols.
//!
//! | feature                 | value                                         | `d_f`                               |
//! |-------------------------|-----------------------------------------------|-------------------------------------|
//! | `SpikeCount`            | number of spikes                              | `|n_s - n_d| / max(n_d, 1)`         |
//! | `FirstSpikeLatency`     | time of the first spike (from `t_start`)      | `|l_s - l_d| / duration`            |
//! | `MeanRate`              | spikes / duration                             | `|r_s - r_d| / max(r_d, 1/duration)`|
//! | `IsiCv`                 | std / mean of the interspike intervals        | `|cv_s - cv_d|`                     |
//! | `ApAmplitude`           | mean of (peak - onset voltage) over spikes    | `|a_s - a_d| / |a_d|`               |
//!
//! A feature that is undefined on one side only (no spike, so no latency; fewer than two
//! intervals, so no CV) gives `d_f = 1`; undefined on both sides, `d_f = 0`. On voltage
//! traces a spike is an upward crossing of `threshold`; its amplitude is the peak before the
//! trace falls back below `threshold`, minus the onset voltage: the last sample before the
//! crossing where the slope was below `onset_slope` (eFEL's `AP_begin` convention, 12 V/s).
//! On spike trains (a `SpikeFitter`) `ApAmplitude` does not exist and is refused.

use crate::metric::{SpikeMetric, TraceMetric};

/// One feature of a response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Feature {
    SpikeCount,
    FirstSpikeLatency,
    MeanRate,
    IsiCv,
    ApAmplitude,
}

impl Feature {
    pub const ALL: [Feature; 5] = [
        Feature::SpikeCount,
        Feature::FirstSpikeLatency,
        Feature::MeanRate,
        Feature::IsiCv,
        Feature::ApAmplitude,
    ];

    /// The name used in Python and error messages.
    pub fn name(self) -> &'static str {
        match self {
            Feature::SpikeCount => "spike_count",
            Feature::FirstSpikeLatency => "first_spike_latency",
            Feature::MeanRate => "mean_rate",
            Feature::IsiCv => "isi_cv",
            Feature::ApAmplitude => "ap_amplitude",
        }
    }

    pub fn from_name(name: &str) -> Option<Feature> {
        Feature::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// The features of one response; `None` where a feature is undefined.
#[derive(Clone, Debug, PartialEq)]
pub struct Features {
    pub spike_count: usize,
    pub first_spike_latency: Option<f64>,
    pub mean_rate: f64,
    pub isi_cv: Option<f64>,
    pub ap_amplitude: Option<f64>,
}

impl Features {
    /// Features of spike times (seconds) in `[t_start, t_start + duration]`; no amplitude.
    pub fn of_spikes(times: &[f64], t_start: f64, duration: f64) -> Features {
        let times: Vec<f64> = times.iter().copied().filter(|&t| t >= t_start).collect();
        let isi: Vec<f64> = times.windows(2).map(|w| w[1] - w[0]).collect();
        let isi_cv = (isi.len() >= 2).then(|| {
            let mean = isi.iter().sum::<f64>() / isi.len() as f64;
            let var = isi.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / isi.len() as f64;
            if mean > 0.0 {
                var.sqrt() / mean
            } else {
                0.0
            }
        });
        Features {
            spike_count: times.len(),
            first_spike_latency: times.first().map(|t| t - t_start),
            mean_rate: times.len() as f64 / duration,
            isi_cv,
            ap_amplitude: None,
        }
    }

    /// Features of a voltage trace sampled every `dt` (see the module's detection rules).
    pub fn of_trace(
        trace: &[f64],
        dt: f64,
        t_start: f64,
        threshold: f64,
        onset_slope: f64,
    ) -> Features {
        let first = ((t_start / dt).round().max(0.0) as usize).min(trace.len());
        let mut times = Vec::new();
        let mut amplitudes = Vec::new();
        let mut k = first.max(1);
        while k < trace.len() {
            if trace[k - 1] < threshold && trace[k] >= threshold {
                times.push(k as f64 * dt);
                let mut onset = k - 1;
                while onset > first && (trace[onset] - trace[onset - 1]) / dt >= onset_slope {
                    onset -= 1;
                }
                let mut end = k;
                let mut peak = trace[k];
                while end < trace.len() && trace[end] >= threshold {
                    peak = peak.max(trace[end]);
                    end += 1;
                }
                amplitudes.push(peak - trace[onset]);
                k = end.max(k + 1);
            } else {
                k += 1;
            }
        }
        let duration = (trace.len() - first) as f64 * dt;
        let mut features = Features::of_spikes(&times, first as f64 * dt, duration);
        features.ap_amplitude = (!amplitudes.is_empty())
            .then(|| amplitudes.iter().sum::<f64>() / amplitudes.len() as f64);
        features
    }

    /// The normalised difference `d_f` of one feature (see the module's table).
    pub fn difference(&self, data: &Features, feature: Feature, duration: f64) -> f64 {
        let optional = |s: Option<f64>, d: Option<f64>, scale: &dyn Fn(f64) -> f64| match (s, d) {
            (Some(s), Some(d)) => (s - d).abs() / scale(d),
            (None, None) => 0.0,
            _ => 1.0,
        };
        match feature {
            Feature::SpikeCount => {
                (self.spike_count as f64 - data.spike_count as f64).abs()
                    / data.spike_count.max(1) as f64
            }
            Feature::FirstSpikeLatency => {
                optional(self.first_spike_latency, data.first_spike_latency, &|_| {
                    duration
                })
            }
            Feature::MeanRate => {
                (self.mean_rate - data.mean_rate).abs() / data.mean_rate.max(1.0 / duration)
            }
            Feature::IsiCv => optional(self.isi_cv, data.isi_cv, &|_| 1.0),
            Feature::ApAmplitude => optional(self.ap_amplitude, data.ap_amplitude, &|d| {
                if d.abs() > 0.0 {
                    d.abs()
                } else {
                    1.0
                }
            }),
        }
    }
}

/// A weighted sum of feature differences (see the module documentation).
#[derive(Clone, Debug, PartialEq)]
pub struct FeatureMetric {
    /// The features compared, each with its weight.
    pub features: Vec<(Feature, f64)>,
    /// Spike detection on traces: upward crossings of this value (SI units of the trace).
    pub threshold: f64,
    /// Slope (trace units per second) below which a sample counts as the AP onset.
    pub onset_slope: f64,
    /// Data before this time (seconds) is ignored.
    pub t_start: f64,
}

impl FeatureMetric {
    /// All five features with weight 1, spikes detected at 0 mV, onset slope 12 V/s.
    pub fn new(features: &[Feature]) -> FeatureMetric {
        FeatureMetric {
            features: features.iter().map(|&f| (f, 1.0)).collect(),
            threshold: 0.0,
            onset_slope: 12.0,
            t_start: 0.0,
        }
    }

    fn check_options(&self, spike_trains: bool) -> Result<(), String> {
        if self.features.is_empty() {
            return Err("the feature metric has no feature".into());
        }
        if let Some((f, w)) = self
            .features
            .iter()
            .find(|(_, w)| !(w.is_finite() && *w >= 0.0))
        {
            return Err(format!(
                "the weight of feature '{}' must be finite and not negative, got {w}",
                f.name()
            ));
        }
        if spike_trains
            && self
                .features
                .iter()
                .any(|(f, _)| *f == Feature::ApAmplitude)
        {
            return Err(
                "'ap_amplitude' needs voltage traces; a SpikeFitter only has spike times".into(),
            );
        }
        if !(self.t_start >= 0.0 && self.t_start.is_finite()) {
            return Err("the feature metric's t_start must be finite and not negative".into());
        }
        Ok(())
    }

    fn combine(&self, pairs: impl Iterator<Item = (Features, Features)>, duration: f64) -> f64 {
        let mut total = 0.0;
        let mut count = 0;
        for (sim, data) in pairs {
            total += self
                .features
                .iter()
                .map(|&(f, w)| w * sim.difference(&data, f, duration))
                .sum::<f64>();
            count += 1;
        }
        total / count.max(1) as f64
    }
}

impl TraceMetric for FeatureMetric {
    fn check(&self, n_samples: usize) -> Result<(), String> {
        if n_samples < 2 {
            return Err("feature metrics need traces of at least two samples".into());
        }
        self.check_options(false)
    }

    fn error(&self, simulated: &[&[f64]], target: &[Vec<f64>], dt: f64) -> f64 {
        let features = |trace: &[f64]| {
            Features::of_trace(trace, dt, self.t_start, self.threshold, self.onset_slope)
        };
        let duration = target
            .first()
            .map_or(dt, |t| (t.len() as f64 * dt - self.t_start).max(dt));
        self.combine(
            simulated
                .iter()
                .zip(target)
                .map(|(s, d)| (features(s), features(d))),
            duration,
        )
    }
}

impl SpikeMetric for FeatureMetric {
    fn check(&self) -> Result<(), String> {
        self.check_options(true)
    }

    fn error(&self, simulated: &[Vec<f64>], target: &[Vec<f64>], _dt: f64, duration: f64) -> f64 {
        let window = (duration - self.t_start).max(f64::MIN_POSITIVE);
        let features = |times: &[f64]| Features::of_spikes(times, self.t_start, window);
        self.combine(
            simulated
                .iter()
                .zip(target)
                .map(|(s, d)| (features(s), features(d))),
            window,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DT: f64 = 1e-4;

    /// A trace at -70 mV with triangular spikes: 1 ms up from -50 mV to +30 mV, 1 ms down.
    fn spiking_trace(onsets_ms: &[f64], n: usize) -> Vec<f64> {
        let mut v = vec![-0.070; n];
        for &on in onsets_ms {
            let k0 = (on * 1e-3 / DT).round() as usize;
            for j in 0..20 {
                let up = if j < 10 { j } else { 20 - j } as f64 / 10.0;
                v[k0 + j] = -0.050 + 0.080 * up;
            }
            // A slow 2 ms ramp from rest to -50 mV before the upstroke (slope 10 V/s).
            for j in 1..=20 {
                v[k0 - j] = v[k0 - j].max(-0.050 - 0.001 * j as f64);
            }
        }
        v
    }

    #[test]
    fn features_of_spike_trains_by_hand() {
        // Spikes at 0.1, 0.2, 0.4 s in 1 s: ISIs 0.1 and 0.2, mean 0.15, sd 0.05, CV 1/3.
        let f = Features::of_spikes(&[0.1, 0.2, 0.4], 0.0, 1.0);
        assert_eq!(f.spike_count, 3);
        assert_eq!(f.first_spike_latency, Some(0.1));
        assert_eq!(f.mean_rate, 3.0);
        assert!((f.isi_cv.unwrap() - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(Features::of_spikes(&[0.1, 0.2], 0.0, 1.0).isi_cv, None);
        // From t_start = 0.15 s: spikes 0.2 and 0.4 remain, latency 0.05 s.
        let late = Features::of_spikes(&[0.1, 0.2, 0.4], 0.15, 0.85);
        assert_eq!(late.spike_count, 2);
        assert!((late.first_spike_latency.unwrap() - 0.05).abs() < 1e-12);
    }

    #[test]
    fn features_of_a_voltage_trace() {
        let v = spiking_trace(&[10.0, 30.0, 60.0], 1000);
        let f = Features::of_trace(&v, DT, 0.0, 0.0, 12.0);
        assert_eq!(f.spike_count, 3);
        // 0 mV is crossed 6.25 samples into the upstroke (-50 + 8 * 6.25 = 0): sample 7.
        assert!((f.first_spike_latency.unwrap() - 0.0107).abs() < 1e-9);
        // Peak +30 mV; onset at -50 mV, where the 80 V/s upstroke starts (the 10 V/s ramp is
        // below the onset slope): amplitude 80 mV.
        assert!((f.ap_amplitude.unwrap() - 0.080).abs() < 1e-12, "{f:?}");
        // ISIs 20 and 30 ms: mean 25, sd 5, CV 0.2.
        assert!((f.isi_cv.unwrap() - 0.2).abs() < 1e-9);
        let flat = Features::of_trace(&[-0.07; 100], DT, 0.0, 0.0, 12.0);
        assert_eq!(flat.spike_count, 0);
        assert_eq!(flat.ap_amplitude, None);
    }

    #[test]
    fn feature_metric_errors() {
        let data = spiking_trace(&[10.0, 30.0, 60.0], 1000);
        let same = FeatureMetric::new(&Feature::ALL);
        assert_eq!(
            TraceMetric::error(&same, &[&data], std::slice::from_ref(&data), DT),
            0.0
        );
        // One spike missing (the last): count 1/3, rate (30 - 20) / 30 = 1/3, latency 0,
        // CV undefined on one side = 1, amplitude equal: total 1 + 2/3.
        let sim = spiking_trace(&[10.0, 30.0], 1000);
        let e = TraceMetric::error(&same, &[&sim], std::slice::from_ref(&data), DT);
        assert!((e - (1.0 + 2.0 / 3.0)).abs() < 1e-9, "{e}");
        // Weights scale each term; a silent model misses every defined feature.
        let weighted = FeatureMetric {
            features: vec![
                (Feature::SpikeCount, 2.0),
                (Feature::FirstSpikeLatency, 0.5),
            ],
            ..FeatureMetric::new(&[])
        };
        let silent = vec![-0.07; 1000];
        let e = TraceMetric::error(&weighted, &[&silent], &[data], DT);
        assert!((e - (2.0 + 0.5)).abs() < 1e-12, "{e}");
    }

    #[test]
    fn bad_feature_options_are_refused() {
        assert!(TraceMetric::check(&FeatureMetric::new(&[]), 10).is_err());
        let amplitude = FeatureMetric::new(&[Feature::ApAmplitude]);
        assert!(TraceMetric::check(&amplitude, 10).is_ok());
        assert!(SpikeMetric::check(&amplitude).is_err());
        let negative = FeatureMetric {
            features: vec![(Feature::SpikeCount, -1.0)],
            ..FeatureMetric::new(&[])
        };
        assert!(TraceMetric::check(&negative, 10).is_err());
        assert_eq!(Feature::from_name("isi_cv"), Some(Feature::IsiCv));
        assert_eq!(Feature::from_name("bogus"), None);
        // Spike-train features compare like the trace ones.
        let spikes = FeatureMetric::new(&[Feature::SpikeCount, Feature::MeanRate]);
        let e = SpikeMetric::error(&spikes, &[vec![0.1]], &[vec![0.1, 0.2]], DT, 1.0);
        assert!((e - 1.0).abs() < 1e-12, "{e}");
    }
}
