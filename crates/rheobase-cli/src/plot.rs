//! Plots of monitors as PNG and SVG: spike rasters, traces of recorded variables and
//! population rates. Text is drawn with the DejaVu Sans font embedded in the program, so no
//! system font library is needed.

use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Once;

/// Most points drawn in a raster; above this, every k-th spike is drawn (said in the title).
const MAX_RASTER_POINTS: usize = 1_000_000;
/// Most traces drawn from one state monitor.
pub const MAX_TRACES: usize = 5;

const SIZE: (u32, u32) = (900, 540);

/// What one figure shows; times in seconds and values in SI units.
pub enum Figure {
    Raster {
        title: String,
        t: Vec<f64>,
        i: Vec<f64>,
        n: usize,
        t_end: f64,
        /// Every `stride`-th spike is drawn.
        stride: usize,
    },
    Traces {
        title: String,
        variable: String,
        unit: String,
        t: Vec<f64>,
        traces: Vec<(usize, Vec<f64>)>,
    },
    Rate {
        title: String,
        t: Vec<f64>,
        /// Smoothed with a flat window of this width (seconds).
        window: f64,
        rate: Vec<f64>,
    },
}

impl Figure {
    /// A raster of spikes `(i, t)`, thinned when there are too many to draw.
    pub fn raster(title: String, i: Vec<f64>, t: Vec<f64>, n: usize, t_end: f64) -> Figure {
        let stride = i.len().div_ceil(MAX_RASTER_POINTS).max(1);
        let (i, t) = if stride > 1 {
            (
                i.into_iter().step_by(stride).collect(),
                t.into_iter().step_by(stride).collect(),
            )
        } else {
            (i, t)
        };
        Figure::Raster {
            title,
            t,
            i,
            n,
            t_end,
            stride,
        }
    }

    /// A population rate smoothed with a flat window of about 1% of the run (at least one
    /// step), as `smooth_rate(window='flat')` would.
    pub fn rate(title: String, t: Vec<f64>, rate: Vec<f64>) -> Figure {
        let dt = if t.len() > 1 { t[1] - t[0] } else { 1e-4 };
        let half = ((t.len() as f64 * 0.005).round() as usize).max(1);
        let mut smooth = Vec::with_capacity(rate.len());
        let mut prefix = vec![0.0];
        for r in &rate {
            prefix.push(prefix.last().copied().unwrap_or(0.0) + r);
        }
        for k in 0..rate.len() {
            let lo = k.saturating_sub(half);
            let hi = (k + half + 1).min(rate.len());
            smooth.push((prefix[hi] - prefix[lo]) / (2 * half + 1) as f64);
        }
        Figure::Rate {
            title,
            t,
            window: (2 * half + 1) as f64 * dt,
            rate: smooth,
        }
    }

    /// Writes `<stem>.png` and `<stem>.svg`; returns their paths.
    pub fn save(&self, stem: &Path) -> Result<Vec<PathBuf>, String> {
        register_font();
        let png = stem.with_extension("png");
        let svg = stem.with_extension("svg");
        {
            let root = BitMapBackend::new(&png, SIZE).into_drawing_area();
            self.draw(&root)?;
            root.present().map_err(|e| e.to_string())?;
        }
        {
            let root = SVGBackend::new(&svg, SIZE).into_drawing_area();
            self.draw(&root)?;
            root.present().map_err(|e| e.to_string())?;
        }
        Ok(vec![png, svg])
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        root.fill(&WHITE).map_err(err)?;
        match self {
            Figure::Raster {
                title,
                t,
                i,
                n,
                t_end,
                stride,
            } => {
                let title = if *stride > 1 {
                    format!("{title} (every {stride}th spike)")
                } else {
                    title.clone()
                };
                let mut chart = chart(
                    root,
                    &title,
                    0.0..(t_end * 1e3).max(1e-9),
                    -0.5..(*n as f64 - 0.5),
                )?;
                chart
                    .configure_mesh()
                    .disable_mesh()
                    .x_desc("time (ms)")
                    .y_desc("neuron index")
                    .draw()
                    .map_err(err)?;
                let size = if t.len() > 20_000 { 1 } else { 2 };
                chart
                    .draw_series(
                        t.iter()
                            .zip(i)
                            .map(|(&t, &i)| Circle::new((t * 1e3, i), size, BLACK.filled())),
                    )
                    .map_err(err)?;
            }
            Figure::Traces {
                title,
                variable,
                unit,
                t,
                traces,
            } => {
                let (scale, shown_unit) = display_scale(unit);
                let (lo, hi) = traces
                    .iter()
                    .flat_map(|(_, v)| v.iter())
                    .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
                        (lo.min(x * scale), hi.max(x * scale))
                    });
                let (lo, hi) = padded(lo, hi);
                let t_end = t.last().copied().unwrap_or(0.0) * 1e3;
                let mut chart = chart(root, title, 0.0..t_end.max(1e-9), lo..hi)?;
                chart
                    .configure_mesh()
                    .x_desc("time (ms)")
                    .y_desc(format!("{variable} ({shown_unit})"))
                    .draw()
                    .map_err(err)?;
                for (k, (neuron, values)) in traces.iter().enumerate() {
                    let colour = Palette99::pick(k).to_rgba();
                    chart
                        .draw_series(LineSeries::new(
                            t.iter().zip(values).map(|(&t, &v)| (t * 1e3, v * scale)),
                            colour.stroke_width(1),
                        ))
                        .map_err(err)?
                        .label(format!("neuron {neuron}"))
                        .legend(move |(x, y)| {
                            PathElement::new(vec![(x, y), (x + 16, y)], colour.stroke_width(2))
                        });
                }
                chart
                    .configure_series_labels()
                    .background_style(WHITE.mix(0.8))
                    .border_style(BLACK)
                    .draw()
                    .map_err(err)?;
            }
            Figure::Rate {
                title,
                t,
                window,
                rate,
            } => {
                let hi = rate.iter().copied().fold(0.0, f64::max);
                let t_end = t.last().copied().unwrap_or(0.0) * 1e3;
                let title = format!("{title} (flat window {:.1} ms)", window * 1e3);
                let mut chart =
                    chart(root, &title, 0.0..t_end.max(1e-9), 0.0..(hi * 1.1).max(1.0))?;
                chart
                    .configure_mesh()
                    .x_desc("time (ms)")
                    .y_desc("rate (Hz)")
                    .draw()
                    .map_err(err)?;
                chart
                    .draw_series(LineSeries::new(
                        t.iter().zip(rate).map(|(&t, &r)| (t * 1e3, r)),
                        BLUE.stroke_width(1),
                    ))
                    .map_err(err)?;
            }
        }
        Ok(())
    }
}

type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

fn chart<'a, DB: DrawingBackend>(
    root: &'a DrawingArea<DB, Shift>,
    title: &str,
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
) -> Result<Chart<'a, DB>, String> {
    ChartBuilder::on(root)
        .caption(title, ("sans-serif", 22))
        .margin(12)
        .x_label_area_size(45)
        .y_label_area_size(70)
        .build_cartesian_2d(x, y)
        .map_err(|e| e.to_string())
}

/// Millivolts for volts, nanoamps for amps, the SI unit otherwise.
fn display_scale(unit: &str) -> (f64, String) {
    match unit {
        "V" => (1e3, "mV".into()),
        "A" => (1e9, "nA".into()),
        "S" => (1e9, "nS".into()),
        "1" => (1.0, "1".into()),
        other => (1.0, other.into()),
    }
}

fn padded(lo: f64, hi: f64) -> (f64, f64) {
    if !(lo.is_finite() && hi.is_finite()) {
        return (-1.0, 1.0);
    }
    let pad = ((hi - lo) * 0.05).max(1e-9 + lo.abs() * 1e-6);
    (lo - pad, hi + pad)
}

fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The embedded font always parses; a failure would only lose the text.
        let _ = plotters::style::register_font(
            "sans-serif",
            FontStyle::Normal,
            dejavu::sans::regular(),
        );
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raster_and_rate_images_are_written() {
        let dir = tempfile::tempdir().unwrap();
        let f = Figure::raster(
            "spikes".into(),
            vec![0.0, 1.0, 2.0],
            vec![0.001, 0.002, 0.003],
            3,
            0.01,
        );
        let files = f.save(&dir.path().join("raster")).unwrap();
        assert_eq!(files.len(), 2);
        let png = std::fs::read(&files[0]).unwrap();
        assert_eq!(&png[1..4], b"PNG");
        let svg = std::fs::read_to_string(&files[1]).unwrap();
        assert!(svg.contains("<svg") && svg.contains("neuron index"));
        let r = Figure::rate("rate".into(), vec![0.0, 1e-4, 2e-4], vec![0.0, 100.0, 0.0]);
        r.save(&dir.path().join("rate")).unwrap();
    }

    #[test]
    fn many_spikes_are_thinned() {
        let n = MAX_RASTER_POINTS * 2 + 1;
        let Figure::Raster { stride, t, .. } =
            Figure::raster("x".into(), vec![0.0; n], vec![0.0; n], 1, 1.0)
        else {
            panic!()
        };
        assert_eq!(stride, 3);
        assert!(t.len() <= MAX_RASTER_POINTS);
    }
}
