//! `rheobase run`: builds the model, runs its sequence of runs with a progress bar, streams
//! the monitors to disk and writes the archives, `summary.json` and the plots. Everything is
//! written into a hidden temporary folder inside the output folder and moved into place only
//! when complete (`summary.json` last), so a failed or interrupted run never leaves output
//! that looks finished.

use crate::build::{self, Built, BuiltMonitor, MonitorKind, Overrides};
use crate::describe;
use crate::error::CliError;
use crate::model::ModelFile;
use crate::output::stream::{self, Finished, MonitorStream};
use crate::plot::{self, Figure};
use indicatif::{ProgressBar, ProgressStyle};
use rheobase::runtime::{Network, ProgressHook, RuntimeError, When};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    pub out: PathBuf,
    pub threads: Option<usize>,
    pub overrides: Overrides,
    pub plot: bool,
    pub quiet: bool,
    /// Cut the runs short so that at most this much is simulated in all (seconds).
    pub max_time: Option<f64>,
}

/// What a finished run wrote.
pub struct Outcome {
    pub files: Vec<PathBuf>,
    pub summary: serde_json::Value,
}

/// Runs a model file and writes its outputs into `options.out`.
pub fn run(model: &ModelFile, options: &RunOptions) -> Result<Outcome, CliError> {
    if let Some(n) = options.threads {
        if n == 0 {
            return Err(CliError::Message("--threads must be at least 1".into()));
        }
        // Fails only if the pool was already built (a second run in one process).
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global();
    }
    let mut built = build::build(model, &options.overrides)?;
    if let Some(n) = options.threads {
        built
            .net
            .set_threads(n)
            .map_err(|e| CliError::Message(e.to_string()))?;
    }
    if let Some(limit) = options.max_time {
        let mut left = limit;
        for plan in &mut built.runs {
            plan.duration = plan.duration.min(left);
            left -= plan.duration;
        }
    }
    let seed = built.seed;
    std::fs::create_dir_all(&options.out).map_err(|e| {
        CliError::io(
            format!("cannot create the output folder {}", options.out.display()),
            e,
        )
    })?;
    let temp = TempDir::create(&options.out)?;
    let started = Instant::now();
    let streams = run_streaming(&built, temp.path(), options.quiet)?;
    let wall = started.elapsed().as_secs_f64();
    let simulated: f64 = built.runs.iter().map(|r| r.duration).sum();

    let mut written = Vec::new();
    let mut streams = streams;
    if options.plot {
        for m in &built.monitors {
            if !m.plot {
                continue;
            }
            let Some(s) = streams.iter().find(|s| s.name == m.name) else {
                continue;
            };
            if let Some(figure) = figure_of(m, s, simulated)
                .map_err(|e| CliError::io("cannot read back the recorded data", e))?
            {
                let files = figure
                    .save(&temp.path().join(format!("{}_plot", m.name)))
                    .map_err(|e| {
                        CliError::Message(format!("cannot draw the plot of '{}': {e}", m.name))
                    })?;
                written.extend(files);
            }
        }
    }
    let mut finished: Vec<Finished> = Vec::new();
    for s in streams.drain(..) {
        let m = built
            .monitors
            .iter()
            .find(|m| m.name == s.name)
            .expect("a stream per monitor");
        let f = s
            .finish(temp.path(), m.source_n, simulated)
            .map_err(|e| CliError::io(format!("cannot write {}.npz", m.name), e))?;
        finished.push(f);
    }
    written.extend(finished.iter().map(|f| f.file.clone()));
    let summary = summary(
        model, &built, options, seed, simulated, wall, &finished, &written,
    );
    let summary_path = temp.path().join("summary.json");
    let text = serde_json::to_string_pretty(&summary).expect("JSON of plain values");
    std::fs::write(&summary_path, text + "\n")
        .map_err(|e| CliError::io("cannot write summary.json", e))?;
    written.push(summary_path);
    let files = temp.commit(&written, &options.out)?;
    Ok(Outcome { files, summary })
}

/// Applies each run's state changes and runs it, with monitors drained to `dir` every few
/// steps; returns the closed streams.
fn run_streaming(built: &Built, dir: &Path, quiet: bool) -> Result<Vec<MonitorStream>, CliError> {
    let streams: Vec<MonitorStream> = built
        .monitors
        .iter()
        .map(|m| MonitorStream::create(dir, m))
        .collect::<std::io::Result<_>>()
        .map_err(|e| CliError::io("cannot create the output files", e))?;
    let interval = stream::drain_interval(&streams, 1.0);
    let streams = Arc::new(Mutex::new(streams));
    {
        let streams = Arc::clone(&streams);
        let mut steps: u64 = 0;
        built
            .net
            .network_operation(
                When::new("end", i32::MAX),
                None,
                Box::new(move |_: &Network, _: f64| {
                    steps += 1;
                    if !steps.is_multiple_of(interval) {
                        return Ok(());
                    }
                    let mut streams = streams.lock().unwrap_or_else(|p| p.into_inner());
                    for s in streams.iter_mut() {
                        s.drain().map_err(|e| {
                            RuntimeError::invalid("output", format!("cannot write {}: {e}", s.name))
                        })?;
                    }
                    Ok(())
                }),
            )
            .map_err(|e| CliError::Message(e.to_string()))?;
    }
    let total: f64 = built.runs.iter().map(|r| r.duration).sum();
    let bar = progress_bar(quiet);
    let started = Instant::now();
    let mut done = 0.0;
    let mut source = built.source.clone();
    for (k, plan) in built.runs.iter().enumerate() {
        for set in &plan.sets {
            build::apply(
                &mut source,
                &set.target,
                &set.variable,
                &set.value,
                &built.constants,
            )
            .map_err(|(s, d)| CliError::model(s, d))?;
        }
        for (name, on, at) in &plan.active {
            built.net.set_active(name, *on).map_err(|e| {
                let (s, d) = source.runtime_error(&e, at.clone());
                CliError::model(s, d)
            })?;
        }
        let hook: ProgressHook = {
            let bar = bar.clone();
            let duration = plan.duration;
            Box::new(move |frac: f64| {
                let t = done + frac * duration;
                let wall = started.elapsed().as_secs_f64();
                let speed = if wall > 0.0 { t / wall } else { 0.0 };
                bar.set_position((t / total.max(1e-300) * 1000.0).round() as u64);
                bar.set_message(format!(
                    "run {}: {t:.3} s of {total:.3} s simulated, {speed:.2}x real time",
                    k + 1
                ));
            })
        };
        built
            .net
            .run_with_progress(plan.duration, Some(hook))
            .map_err(|e| {
                bar.abandon();
                let at = plan.at.clone();
                let (s, d) = source.runtime_error(&e, at);
                CliError::model(s, d)
            })?;
        done += plan.duration;
    }
    bar.finish_and_clear();
    let mut streams = match Arc::try_unwrap(streams) {
        Ok(m) => m.into_inner().unwrap_or_else(|p| p.into_inner()),
        // The network operation still holds a handle: take the streams out of it.
        Err(shared) => std::mem::take(&mut *shared.lock().unwrap_or_else(|p| p.into_inner())),
    };
    for s in streams.iter_mut() {
        s.close()
            .map_err(|e| CliError::io(format!("cannot write {}", s.name), e))?;
    }
    Ok(streams)
}

fn progress_bar(quiet: bool) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(1000);
    let style = ProgressStyle::with_template(
        "{elapsed_precise} [{bar:30.cyan/blue}] {percent:>3}% ETA {eta} {msg}",
    )
    .expect("a valid template")
    .progress_chars("=> ");
    bar.set_style(style);
    bar.enable_steady_tick(Duration::from_millis(250));
    bar
}

/// The figure a monitor gets with `--plot`, drawn from its column files.
fn figure_of(m: &BuiltMonitor, s: &MonitorStream, t_end: f64) -> std::io::Result<Option<Figure>> {
    let read = |array: &str| -> std::io::Result<Vec<f64>> {
        let mut v = Vec::new();
        if let Some(c) = s.column(array) {
            c.for_each_chunk(|x| v.extend_from_slice(x))?;
        }
        Ok(v)
    };
    Ok(match &m.kind {
        MonitorKind::Spike { record: false, .. } => None,
        MonitorKind::Spike { .. } => Some(Figure::raster(
            format!("{}: spikes of {}", m.name, m.source),
            read("i")?,
            read("t")?,
            m.source_n,
            t_end,
        )),
        MonitorKind::State { variables, .. } => {
            let Some(variable) = variables.first() else {
                return Ok(None);
            };
            let t = read("t")?;
            let recorded = s.recorded();
            let n_rec = recorded.len().max(1);
            let shown = recorded.len().min(plot::MAX_TRACES);
            let mut traces: Vec<(usize, Vec<f64>)> =
                recorded[..shown].iter().map(|&k| (k, Vec::new())).collect();
            let mut position = 0usize;
            if let Some(c) = s.column(variable) {
                c.for_each_chunk(|chunk| {
                    for &x in chunk {
                        let j = position % n_rec;
                        if j < shown {
                            traces[j].1.push(x);
                        }
                        position += 1;
                    }
                })?;
            }
            Some(Figure::Traces {
                title: format!("{}: {variable} of {}", m.name, m.source),
                variable: variable.clone(),
                unit: m.units.get(variable).cloned().unwrap_or_default(),
                t,
                traces,
            })
        }
        MonitorKind::Rate { .. } => Some(Figure::rate(
            format!("{}: population rate of {}", m.name, m.source),
            read("t")?,
            read("rate")?,
        )),
    })
}

#[allow(clippy::too_many_arguments)]
fn summary(
    model: &ModelFile,
    built: &Built,
    options: &RunOptions,
    seed: u64,
    simulated: f64,
    wall: f64,
    finished: &[Finished],
    written: &[PathBuf],
) -> serde_json::Value {
    let groups: serde_json::Map<String, serde_json::Value> = built
        .groups
        .iter()
        .map(|(name, g)| {
            let mut v = serde_json::json!({ "N": g.group.len() });
            match &g.parent {
                Some(parent) => {
                    let r = g.group.range();
                    v["subgroup_of"] = parent.clone().into();
                    v["range"] = serde_json::json!([r.start, r.end]);
                }
                None if g.kind == "NeuronGroup" => v["method"] = describe::method_name(g).into(),
                None => v["type"] = g.kind.into(),
            }
            (name.clone(), v)
        })
        .collect();
    let synapses: serde_json::Map<String, serde_json::Value> = built
        .synapses
        .iter()
        .map(|(name, s)| {
            let v = serde_json::json!({
                "source": s.source,
                "target": s.target,
                "synapses": s.synapses.len(),
            });
            (name.clone(), v)
        })
        .collect();
    let monitors: serde_json::Map<String, serde_json::Value> = finished
        .iter()
        .map(|f| {
            let m = built.monitors.iter().find(|m| m.name == f.name);
            let mut v = f.summary.clone();
            v["file"] = file_name(&f.file).into();
            if let Some(m) = m {
                v["source"] = m.source.clone().into();
                v["units"] = serde_json::json!(m.units);
            }
            (f.name.clone(), v)
        })
        .collect();
    let overrides: serde_json::Map<String, serde_json::Value> = options
        .overrides
        .constants
        .iter()
        .map(|(k, v)| (k.clone(), v.clone().into()))
        .collect();
    serde_json::json!({
        "rheobase_version": env!("CARGO_PKG_VERSION"),
        "model": {
            "file": model.source.name(),
            "sha256": model.sha256,
            "title": built.title,
        },
        "seed": seed,
        "threads": rayon::current_num_threads(),
        "backend": built.net.backend_name(),
        "overrides": overrides,
        "dt_s": built.net.default_dt(),
        "runs_s": built.runs.iter().map(|r| r.duration).collect::<Vec<_>>(),
        "simulated_time_s": simulated,
        "wall_time_s": wall,
        "speed_vs_real_time": if wall > 0.0 { simulated / wall } else { 0.0 },
        "groups": groups,
        "synapses": synapses,
        "monitors": monitors,
        "files": written.iter().map(|p| file_name(p)).chain(["summary.json".to_string()]).collect::<std::collections::BTreeSet<_>>(),
    })
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The hidden folder outputs are written into; removed unless committed.
struct TempDir {
    path: PathBuf,
    committed: bool,
}

impl TempDir {
    fn create(out: &Path) -> Result<TempDir, CliError> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let path = out.join(format!(".rheobase-partial-{}-{nanos}", std::process::id()));
        std::fs::create_dir(&path).map_err(|e| {
            CliError::io(
                format!("cannot write into the output folder {}", out.display()),
                e,
            )
        })?;
        Ok(TempDir {
            path,
            committed: false,
        })
    }

    fn path(&self) -> &Path {
        &self.path
    }

    /// Moves the finished files into `out` (the last one last) and removes the folder.
    fn commit(mut self, files: &[PathBuf], out: &Path) -> Result<Vec<PathBuf>, CliError> {
        // An old summary would mark a mix of old and new files as complete.
        let old_summary = out.join("summary.json");
        if old_summary.exists() {
            std::fs::remove_file(&old_summary)
                .map_err(|e| CliError::io("cannot replace the old summary.json", e))?;
        }
        let mut moved = Vec::new();
        for f in files {
            let target = out.join(f.file_name().expect("a file name"));
            std::fs::rename(f, &target).map_err(|e| {
                CliError::io(format!("cannot move {} into place", target.display()), e)
            })?;
            moved.push(target);
        }
        std::fs::remove_dir_all(&self.path)
            .map_err(|e| CliError::io("cannot remove the temporary folder", e))?;
        self.committed = true;
        Ok(moved)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}
