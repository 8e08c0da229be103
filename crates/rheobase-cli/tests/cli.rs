//! End-to-end tests: the `rheobase` binary on small models in temporary folders.

use rheobase_cli::output::npz;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

#[path = "it/check_snapshots.rs"]
mod check_snapshots;

fn rheobase(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rheobase"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the binary runs")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn write(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, body).unwrap();
    path
}

const SMALL: &str = r#"
[simulation]
dt = "0.1 ms"
seed = 7

[constants]
tau = "10 ms"
drive = 1.5

[groups.G]
N = 20
equations = '''
dv/dt = (drive - v)/tau : 1 (unless refractory)
'''
threshold = "v > 1"
reset = "v = 0"
refractory = "2 ms"

[groups.G.init]
v = "rand()"

[subgroups.first]
group = "G"
start = 0
stop = 10

[monitors.spikes]
type = "spike"
source = "G"

[monitors.trace]
type = "state"
source = "G"
variables = ["v"]
record = [0, 3]

[monitors.rate]
type = "rate"
source = "first"

[[runs]]
duration = "50 ms"

[[runs]]
duration = "50 ms"
set = { "G.v" = 0 }
"#;

#[test]
fn run_writes_archives_numpy_layout_and_summary() {
    let dir = tempfile::tempdir().unwrap();
    let model = write(dir.path(), "small.toml", SMALL);
    let out = rheobase(
        &[
            "run",
            model.to_str().unwrap(),
            "--out",
            "res",
            "--quiet",
            "--plot",
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", text(&out));
    let res = dir.path().join("res");
    for f in [
        "spikes.npz",
        "trace.npz",
        "rate.npz",
        "summary.json",
        "spikes_plot.png",
        "spikes_plot.svg",
        "trace_plot.png",
        "rate_plot.svg",
    ] {
        assert!(res.join(f).exists(), "missing {f}: {}", text(&out));
    }
    // No temporary folder left behind.
    let leftovers: Vec<_> = std::fs::read_dir(&res)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty());

    let spikes = npz::read(&res.join("spikes.npz")).unwrap();
    let (i, t, count) = (&spikes["i"], &spikes["t"], &spikes["count"]);
    assert_eq!(i.shape, t.shape);
    assert_eq!(count.shape, vec![20]);
    assert_eq!(count.data.iter().sum::<f64>() as usize, i.data.len());
    // drive 1.5, tau 10 ms: a period of about 11 ms + 2 ms refractory; about 7 spikes in
    // each 100 ms neuron (the second run starts again from 0).
    let per_neuron = i.data.len() as f64 / 20.0;
    assert!((5.0..=9.0).contains(&per_neuron), "{per_neuron}");
    assert!(t.data.iter().all(|&x| (0.0..0.1).contains(&x)));

    let trace = npz::read(&res.join("trace.npz")).unwrap();
    let v = &trace["v"];
    assert_eq!(v.shape, vec![2, 1000]);
    assert_eq!(trace["record"].data, vec![0.0, 3.0]);
    // The state change before the second run: v = 0 at its first sample (t = 50 ms).
    assert_eq!(trace["t"].data[500], 0.05);
    assert_eq!(v.at2(0, 500), 0.0);
    assert_eq!(v.at2(1, 500), 0.0);
    assert!((400..500).any(|k| v.at2(1, k) != 0.0));

    let rate = npz::read(&res.join("rate.npz")).unwrap();
    assert_eq!(rate["rate"].shape, vec![1000]);

    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(res.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["seed"], 7);
    assert_eq!(summary["model"]["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(summary["groups"]["G"]["method"], "exact");
    assert_eq!(summary["groups"]["first"]["subgroup_of"], "G");
    let mean = summary["monitors"]["spikes"]["mean_rate_hz"]
        .as_f64()
        .unwrap();
    assert!((50.0..=90.0).contains(&mean), "{mean}");
    assert_eq!(summary["monitors"]["trace"]["units"]["v"], "1");
}

#[test]
fn same_seed_gives_the_same_spikes_and_set_overrides_constants() {
    let dir = tempfile::tempdir().unwrap();
    let model = write(dir.path(), "small.toml", SMALL);
    let m = model.to_str().unwrap();
    for (out, extra) in [("a", None), ("b", None), ("c", Some("drive=3"))] {
        let mut args = vec!["run", m, "--out", out, "--quiet", "--seed", "11"];
        if let Some(e) = extra {
            args.extend(["--set", e]);
        }
        let o = rheobase(&args, dir.path());
        assert!(o.status.success(), "{}", text(&o));
    }
    let read = |d: &str| npz::read(&dir.path().join(d).join("spikes.npz")).unwrap();
    assert_eq!(read("a")["t"].data, read("b")["t"].data);
    assert!(read("c")["t"].data.len() > read("a")["t"].data.len());
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("c/summary.json")).unwrap())
            .unwrap();
    assert_eq!(s["overrides"]["drive"], "3");
}

#[test]
fn check_passes_a_good_model() {
    let dir = tempfile::tempdir().unwrap();
    let model = write(dir.path(), "small.toml", SMALL);
    let out = rheobase(&["check", model.to_str().unwrap()], dir.path());
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("ok (2 groups, 3 monitors, 2 runs"));
}

#[test]
fn check_points_into_the_equation_inside_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let body = SMALL.replace("(drive - v)/tau : 1", "(drive - v)/tau + I : 1");
    let model = write(dir.path(), "bad.toml", &body);
    let out = rheobase(&["check", "bad.toml"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let shown = text(&out);
    assert!(
        shown.contains("error[model::undefined_identifier]"),
        "{shown}"
    );
    // Line 13 of the file, column of `I` inside the equation string.
    assert!(shown.contains("--> bad.toml:13:27"), "{shown}");
    assert!(
        shown.contains("13 | dv/dt = (drive - v)/tau + I : 1"),
        "{shown}"
    );
    // Only the problem itself: what refers to the group that failed says nothing more.
    assert_eq!(shown.matches("error[").count(), 1, "{shown}");
    assert!(shown.contains("^"), "{shown}");
    let _ = model;
}

#[test]
fn check_reports_every_problem_with_its_code() {
    let dir = tempfile::tempdir().unwrap();
    let body = SMALL
        .replace("threshold = \"v > 1\"", "threshold = \"v > 1*mV\"")
        .replace("tau = \"10 ms\"", "tau = \"10 parsecs\"");
    write(dir.path(), "bad.toml", &body);
    let out = rheobase(&["check", "bad.toml"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let shown = text(&out);
    assert!(shown.contains("error[io::invalid_quantity]"), "{shown}");
    assert!(shown.contains("--> bad.toml:7:7"), "{shown}");
    // The group that uses `tau` fails too, at the name in its equation.
    assert!(shown.contains("--> bad.toml:13:21"), "{shown}");
}

#[test]
fn dimension_errors_in_threshold_point_at_the_string() {
    let dir = tempfile::tempdir().unwrap();
    let body = SMALL.replace("threshold = \"v > 1\"", "threshold = \"v > 1*mV\"");
    write(dir.path(), "bad.toml", &body);
    let out = rheobase(&["check", "bad.toml"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let shown = text(&out);
    assert!(shown.contains("error[units::"), "{shown}");
    assert!(shown.contains("--> bad.toml:15:18"), "{shown}");
    assert!(shown.contains("15 | threshold = \"v > 1*mV\""), "{shown}");
}

#[test]
fn malformed_toml_and_unknown_keys_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "broken.toml", "[groups.G\nN = 3\n");
    let out = rheobase(&["check", "broken.toml"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("error[io::toml_syntax]"),
        "{}",
        text(&out)
    );
    assert!(text(&out).contains("--> broken.toml:1:"), "{}", text(&out));
    assert!(!text(&out).contains("panicked"));

    write(
        dir.path(),
        "typo.toml",
        &SMALL.replace("refractory = \"2 ms\"", "refractoryness = \"2 ms\""),
    );
    let out = rheobase(&["check", "typo.toml"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let shown = text(&out);
    assert!(shown.contains("error[io::model_file]"), "{shown}");
    assert!(shown.contains("refractoryness"), "{shown}");
}

#[test]
fn missing_file_and_unwritable_output_fail_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let out = rheobase(&["run", "nope.toml"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).starts_with("error: cannot read nope.toml"),
        "{}",
        text(&out)
    );

    write(dir.path(), "small.toml", SMALL);
    write(dir.path(), "afile", "not a folder");
    let out = rheobase(
        &["run", "small.toml", "--out", "afile", "--quiet"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("error: cannot create the output folder"),
        "{}",
        text(&out)
    );
}

#[test]
fn show_prints_method_statements_and_ir() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "small.toml", SMALL);
    let out = rheobase(&["show", "small.toml", "--ir"], dir.path());
    assert!(out.status.success(), "{}", text(&out));
    let shown = text(&out);
    assert!(shown.contains("group G (20 neurons)"), "{shown}");
    assert!(
        shown.contains("method: exact (chosen automatically)"),
        "{shown}"
    );
    assert!(shown.contains("v = "), "{shown}");
    assert!(shown.contains("G_stateupdater"), "{shown}");
    assert!(shown.contains("kernel IR of"), "{shown}");
}

#[test]
fn help_has_examples() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        vec!["--help"],
        vec!["run", "--help"],
        vec!["check", "--help"],
    ] {
        let out = rheobase(&args, dir.path());
        assert!(out.status.success());
        assert!(text(&out).contains("Examples:"), "{}", text(&out));
    }
    let out = rheobase(&["run"], dir.path());
    assert_eq!(out.status.code(), Some(2));
}

/// How each example model is cut down for a quick run: `--set` overrides (fewer neurons,
/// the same number of inputs per neuron where that matters), the simulated time, the monitor
/// whose mean rate is checked and its bounds in Hz.
struct Quick {
    file: &'static str,
    sets: &'static [&'static str],
    max_time: &'static str,
    monitor: &'static str,
    rate_hz: (f64, f64),
}

const QUICK: &[Quick] = &[
    Quick {
        file: "adex.toml",
        sets: &[],
        max_time: "200 ms",
        monitor: "spikes",
        rate_hz: (1.0, 200.0),
    },
    Quick {
        file: "brunel.toml",
        sets: &["N_E=800", "N_I=200"],
        max_time: "100 ms",
        monitor: "spikes",
        rate_hz: (5.0, 150.0),
    },
    Quick {
        file: "coba.toml",
        sets: &["N=1000", "n_exc=800", "p_connect=0.08"],
        max_time: "100 ms",
        monitor: "spikes",
        rate_hz: (2.0, 80.0),
    },
    Quick {
        file: "cobahh.toml",
        sets: &["N=400", "n_exc=320", "p_connect=0.2"],
        max_time: "50 ms",
        monitor: "spikes",
        rate_hz: (1.0, 200.0),
    },
    Quick {
        file: "cuba.toml",
        sets: &["N=1000", "n_exc=800", "p_connect=0.08"],
        max_time: "100 ms",
        monitor: "spikes",
        rate_hz: (1.0, 40.0),
    },
    Quick {
        file: "hh_fi_curve.toml",
        sets: &[],
        max_time: "200 ms",
        monitor: "spikes",
        rate_hz: (5.0, 100.0),
    },
    Quick {
        file: "hh_sweep.toml",
        sets: &["side=10"],
        max_time: "100 ms",
        monitor: "spikes",
        rate_hz: (1.0, 200.0),
    },
    Quick {
        file: "lif_fi_curve.toml",
        sets: &[],
        max_time: "200 ms",
        monitor: "spikes",
        rate_hz: (10.0, 60.0),
    },
    Quick {
        file: "noisy_lif.toml",
        sets: &[],
        max_time: "200 ms",
        monitor: "spikes",
        rate_hz: (5.0, 150.0),
    },
    Quick {
        file: "stdp.toml",
        sets: &[],
        max_time: "200 ms",
        monitor: "input_spikes",
        rate_hz: (12.0, 18.0),
    },
];

/// Whether `python3` with numpy is available (the numpy checks are skipped otherwise).
fn numpy_available() -> bool {
    Command::new("python3")
        .args(["-c", "import numpy"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Loads every archive in `dir` with numpy and prints `file array shape sum` per array.
fn numpy_listing(dir: &Path) -> String {
    let script = r#"
import sys, glob, os, numpy as np
for f in sorted(glob.glob(os.path.join(sys.argv[1], '*.npz'))):
    with np.load(f) as z:
        for k in sorted(z.files):
            a = z[k]
            print(os.path.basename(f), k, list(a.shape), float(np.sum(a, dtype=np.float64)))
"#;
    let out = Command::new("python3")
        .args(["-c", script, dir.to_str().unwrap()])
        .output()
        .expect("python3 runs");
    assert!(out.status.success(), "{}", text(&out));
    String::from_utf8(out.stdout).unwrap()
}

/// The same listing from our own reader.
fn rust_listing(dir: &Path) -> Vec<(String, String, Vec<usize>, f64)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "npz"))
        .collect();
    files.sort();
    let mut rows = Vec::new();
    for f in files {
        let arrays = npz::read(&f).unwrap();
        assert!(!arrays.is_empty(), "{}", f.display());
        for (k, a) in arrays {
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            rows.push((name, k, a.shape.clone(), a.data.iter().sum()));
        }
    }
    rows
}

#[test]
fn every_example_model_has_a_quick_run() {
    let models = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/models");
    let mut files: Vec<String> = std::fs::read_dir(&models)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    files.sort();
    let known: Vec<&str> = QUICK.iter().map(|q| q.file).collect();
    assert_eq!(
        files, known,
        "every example needs an entry in QUICK and a test below"
    );
}

/// One model of examples/models/ runs for a short time (cut down with `--set` and
/// `--max-time`); its archives load with our reader and, when numpy is installed, with
/// numpy (the same shapes and sums); its mean rate falls in the range expected of it.
fn quick_run(file: &str) {
    let quick = QUICK
        .iter()
        .find(|q| q.file == file)
        .expect("listed in QUICK");
    let models = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/models");
    let numpy = numpy_available();
    if !numpy {
        eprintln!("numpy is not importable: archives are checked with the Rust reader only");
    }
    let dir = tempfile::tempdir().unwrap();
    {
        let path = models.join(quick.file);
        let out_dir = dir.path().join(quick.file);
        let mut args = vec![
            "run",
            path.to_str().unwrap(),
            "--out",
            out_dir.to_str().unwrap(),
            "--quiet",
            "--max-time",
            quick.max_time,
        ];
        for set in quick.sets {
            args.extend(["--set", set]);
        }
        let out = rheobase(&args, dir.path());
        let file = quick.file;
        assert!(out.status.success(), "{file}: {}", text(&out));
        let ours = rust_listing(&out_dir);
        if numpy {
            let theirs = numpy_listing(&out_dir);
            let lines: Vec<&str> = theirs.lines().collect();
            assert_eq!(lines.len(), ours.len(), "{file}: {theirs}");
            for (line, (f, k, shape, sum)) in lines.iter().zip(&ours) {
                let prefix = format!("{f} {k} {shape:?} ");
                assert!(line.starts_with(&prefix), "{file}: {line} vs {prefix}");
                let np_sum: f64 = line[prefix.len()..].parse().unwrap();
                assert!(
                    (np_sum - sum).abs() <= 1e-9 * sum.abs().max(1.0),
                    "{file}: {line} vs {sum}"
                );
            }
        }
        let summary: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out_dir.join("summary.json")).unwrap())
                .unwrap();
        let max_time = rheobase_cli::model::values::duration(
            &toml::Value::String(quick.max_time.into()),
            &Default::default(),
        )
        .unwrap();
        let simulated = summary["simulated_time_s"].as_f64().unwrap();
        assert!((simulated - max_time).abs() < 1e-12, "{file}: {simulated}");
        let rate = summary["monitors"][quick.monitor]["mean_rate_hz"]
            .as_f64()
            .unwrap();
        let (lo, hi) = quick.rate_hz;
        assert!((lo..=hi).contains(&rate), "{file}: mean rate {rate} Hz");
    }
}

macro_rules! quick_runs {
    ($($test:ident: $file:literal,)*) => {
        $(
            #[test]
            fn $test() {
                quick_run($file);
            }
        )*
    };
}

quick_runs! {
    quick_adex: "adex.toml",
    quick_brunel: "brunel.toml",
    quick_coba: "coba.toml",
    quick_cobahh: "cobahh.toml",
    quick_cuba: "cuba.toml",
    quick_hh_fi_curve: "hh_fi_curve.toml",
    quick_hh_sweep: "hh_sweep.toml",
    quick_lif_fi_curve: "lif_fi_curve.toml",
    quick_noisy_lif: "noisy_lif.toml",
    quick_stdp: "stdp.toml",
}

const NETWORK: &str = r#"
[simulation]
dt = "0.1 ms"
seed = 3

[constants]
w0 = "1 mV"

[timed_arrays.drive]
dt = "10 ms"
unit = "mV"
values = [0, 5, 0]

[timed_arrays.table2]
dt = "10 ms"
unit = "mV"
file = "table2.npy"

[inputs.gen]
type = "spike_generator"
N = 3
file = "spikes.csv"
time_unit = "ms"
period = "10 ms"

[inputs.gen2]
type = "spike_generator"
N = 2
indices = [0, 1]
times = ["2 ms", "4 ms"]

[inputs.noise]
type = "poisson_group"
N = 50
rates = "100 Hz"

[groups.G]
N = 3
equations = '''
v : volt
n_in : 1
'''

[groups.H]
N = 3
equations = "u = drive(t) + table2(t, i) : volt"

[synapses.S]
source = "gen"
target = "G"
model = "w : volt"
on_pre = "v += w"
delay = "i*1*ms"
connect = { j = "i" }
init = { w = "(i + 1)*w0" }

[synapses.T]
source = "gen2"
target = "G"
on_pre = { pre = "v += 10*mV", extra = "v -= 1*mV" }
delay = { extra = "1 ms" }
connect = { i = [0, 1], j = [2, 2] }

[synapses.N]
source = "noise"
target = "G"
on_pre = "n_in += 1"

[[synapses.N.connect]]
p = 0.5

[[synapses.N.connect]]
i = 0
j = 1
n = 2

[[synapses.N.connect]]
j = "k for k in range(i, i + 2) if k < N_post"
skip_if_invalid = true

[monitors.v]
type = "state"
source = "G"
variables = ["v"]

[monitors.w]
type = "state"
source = "S"
variables = ["w"]

[monitors.u]
type = "state"
source = "H"
variables = ["u"]

[monitors.noise_spikes]
type = "spike"
source = "noise"

[[runs]]
duration = "10 ms"

[[runs]]
duration = "10 ms"
set = { "S.w" = "0 mV", "G.v" = "0 mV" }
"#;

/// Synapses (delays per synapse and per pathway, named pathways, every form of connect),
/// spike generators from a file and inline, a Poisson group, timed arrays from a list and a
/// .npy file, monitors on synapses, and state changes between runs.
#[test]
fn synapses_inputs_and_timed_arrays_run_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "net.toml", NETWORK);
    write(dir.path(), "spikes.csv", "i,t\n0,1\n1,2\n2,3\n");
    // table2: 3 steps x 3 neurons, row-major: value = 10*step + neuron (mV).
    let mut npy =
        rheobase_cli::output::npy::header(rheobase_cli::output::npy::Dtype::F64, &[3, 3], false);
    for step in 0..3 {
        for neuron in 0..3 {
            npy.extend_from_slice(&(10.0 * step as f64 + neuron as f64).to_le_bytes());
        }
    }
    std::fs::write(dir.path().join("table2.npy"), npy).unwrap();
    let out = rheobase(&["run", "net.toml", "--out", "res", "--quiet"], dir.path());
    assert!(out.status.success(), "{}", text(&out));
    let res = dir.path().join("res");

    let v = npz::read(&res.join("v.npz")).unwrap();
    let (t, v) = (&v["t"].data, &v["v"]);
    let at = |neuron: usize, time: f64| {
        let k = t.iter().position(|&x| (x - time).abs() < 1e-9).unwrap();
        v.at2(neuron, k)
    };
    let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
    // S: neuron k spikes at (k + 1) ms with delay k ms and weight (k + 1) mV.
    assert!(close(at(0, 0.9e-3), 0.0) && close(at(0, 1.1e-3), 1e-3));
    assert!(close(at(1, 2.9e-3), 0.0) && close(at(1, 3.1e-3), 2e-3));
    assert!(close(at(2, 1.9e-3), 0.0));
    // T into neuron 2: +10 mV at 2 and 4 ms (pre), -1 mV at 3 and 5 ms (extra, 1 ms delay),
    // and S's 3 mV at 5 ms.
    assert!(close(at(2, 2.1e-3), 10e-3));
    assert!(close(at(2, 3.1e-3), 9e-3));
    assert!(close(at(2, 4.1e-3), 19e-3));
    assert!(close(at(2, 5.1e-3), 21e-3));
    // The second run: v and w set to 0; the generator repeats with weight 0.
    assert!(close(at(0, 19.9e-3), 0.0) && close(at(2, 19.9e-3), 0.0));

    let w = npz::read(&res.join("w.npz")).unwrap();
    assert_eq!(w["w"].shape[0], 3);
    assert!(close(w["w"].at2(2, 0), 3e-3) && close(w["w"].at2(2, 150), 0.0));

    let u = npz::read(&res.join("u.npz")).unwrap();
    let (tu, u) = (&u["t"].data, &u["u"]);
    let k = tu.iter().position(|&x| (x - 15e-3).abs() < 1e-9).unwrap();
    // drive(15 ms) = 5 mV, table2(15 ms, i) = (10 + i) mV.
    for i in 0..3 {
        assert!(
            close(u.at2(i, k), 15e-3 + i as f64 * 1e-3),
            "{}",
            u.at2(i, k)
        );
    }

    let spikes = npz::read(&res.join("noise_spikes.npz")).unwrap();
    let n = spikes["i"].data.len();
    // 50 sources at 100 Hz for 20 ms: 100 expected.
    assert!((50..=160).contains(&n), "{n}");

    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(res.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["synapses"]["S"]["synapses"], 3);
    assert_eq!(summary["synapses"]["T"]["synapses"], 2);
    // p = 0.5 of 150 pairs, 2 more for (0, 1), and the generator's 5 (k < 3 only).
    let n_syn = summary["synapses"]["N"]["synapses"].as_u64().unwrap();
    assert!((50..=110).contains(&n_syn), "{n_syn}");
    assert_eq!(summary["groups"]["gen"]["type"], "SpikeGeneratorGroup");
}

#[test]
fn input_keys_of_another_type_and_bad_data_files_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let body = NETWORK
        .replace(
            "rates = \"100 Hz\"",
            "rates = \"100 Hz\"\nperiod = \"1 ms\"",
        )
        .replace("file = \"table2.npy\"", "file = \"missing.npy\"");
    write(dir.path(), "net.toml", &body);
    write(dir.path(), "spikes.csv", "i,t\n0,1\n1,x\n");
    let out = rheobase(&["check", "net.toml"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let shown = text(&out);
    assert!(
        shown.contains("`period` does not apply to an input of type 'poisson_group'"),
        "{shown}"
    );
    assert!(
        shown.contains("error[io::data_file]: cannot read"),
        "{shown}"
    );
    assert!(
        shown.contains("spikes.csv: line 3: not a row of numbers"),
        "{shown}"
    );
    assert!(!shown.contains("panicked"), "{shown}");
}

/// Monitors are written to disk in chunks while the network runs: with `--chunk 20000`, a
/// state monitor of 1000 neurons never holds more than 20 steps (about 20,000 values) in
/// memory, however long the run, and the archive still has every sample.
#[test]
fn monitors_stream_to_disk_in_bounded_chunks() {
    let dir = tempfile::tempdir().unwrap();
    let body = r#"
[groups.G]
N = 1000
equations = "dv/dt = (1.5 - v)/(10*ms) : 1"
threshold = "v > 1"
reset = "v = 0"
init = { v = "i/1000" }

[monitors.all]
type = "state"
source = "G"
variables = ["v"]

[monitors.spikes]
type = "spike"
source = "G"

[[runs]]
duration = "50 ms"

[[runs]]
duration = "50 ms"
"#;
    write(dir.path(), "long.toml", body);
    let out = rheobase(
        &[
            "run",
            "long.toml",
            "--out",
            "res",
            "--quiet",
            "--chunk",
            "20000",
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", text(&out));
    let res = dir.path().join("res");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(res.join("summary.json")).unwrap()).unwrap();
    let peak = summary["monitors"]["all"]["peak_buffer_elements"]
        .as_u64()
        .unwrap();
    // 1001 values per step (t and 1000 neurons): drained every 19 steps.
    assert!((1001..=20_000).contains(&peak), "{peak}");
    let all = npz::read(&res.join("all.npz")).unwrap();
    assert_eq!(all["v"].shape, vec![1000, 1000]);
    assert_eq!(all["t"].data.len(), 1000);
    assert!((all["t"].data[999] - 0.0999).abs() < 1e-12);
    // Neuron 999 starts at 0.999 and crosses 1 within the first steps; the samples stay in
    // time order across chunks.
    assert!(all["t"].data.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn float32_models_store_single_precision_and_bad_float_types_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let single = SMALL.replace("seed = 7\n", "seed = 7\nfloat = \"float32\"\n");
    let model = write(dir.path(), "single.toml", &single);
    let o = rheobase(
        &["run", model.to_str().unwrap(), "--out", "s", "--quiet"],
        dir.path(),
    );
    assert!(o.status.success(), "{}", text(&o));
    let trace = npz::read(&dir.path().join("s/trace.npz")).unwrap();
    let v = &trace["v"].data;
    assert!(v.len() > 100);
    assert!(v.iter().all(|&x| f64::from(x as f32) == x));
    assert!(v.iter().any(|&x| x != 0.0));

    let bad = SMALL.replace("seed = 7\n", "seed = 7\nfloat = \"half\"\n");
    let model = write(dir.path(), "bad.toml", &bad);
    let o = rheobase(&["check", model.to_str().unwrap()], dir.path());
    assert!(!o.status.success());
    let t = text(&o);
    assert!(t.contains("unknown float type 'half'"), "{t}");
}
