//! The command-line interface: arguments (clap), the four commands and exit statuses
//! (0 success, 1 a problem in the model or while running or writing, 2 bad arguments).

use crate::build::{self, Overrides};
use crate::describe;
use crate::error::CliError;
use crate::model::ModelFile;
use crate::run::{self, RunOptions};
use clap::{Args, Parser, Subcommand};
use std::path::{Path, PathBuf};

/// The model `rheobase demo` runs.
pub const DEMO_MODEL: &str = include_str!("../../../examples/models/cuba.toml");

#[derive(Debug, Parser)]
#[command(
    name = "rheobase",
    version,
    about = "Run spiking neural network models written as TOML files (Brian2's model language)",
    after_help = "Examples:\n  rheobase demo\n  rheobase check examples/models/coba.toml\n  rheobase run examples/models/cuba.toml --out results --plot\n  rheobase run examples/models/brunel.toml --set N_E=2000 --set N_I=500 --max-time \"100 ms\"\n  rheobase show examples/models/stdp.toml --ir\n\nThe model format is described in docs/model-files.md."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a model and write its monitors (.npz), summary.json and, with --plot, images
    #[command(
        after_help = "Examples:\n  rheobase run model.toml\n  rheobase run model.toml --out results --seed 1 --plot\n  rheobase run model.toml --set tau=\"20 ms\" --set N_exc=800 --threads 2\n\nEach monitor is written to DIR/<monitor>.npz (numpy.load reads it; values in SI units),\nwith DIR/summary.json holding rates, counts, the seed and the model file's SHA-256.\nFiles appear only when the run has finished."
    )]
    Run(RunArgs),
    /// Parse and check a model without running it; print every problem with its caret
    #[command(
        after_help = "Examples:\n  rheobase check model.toml\n\nExit status 0 when the model is fine, 1 when there is an error."
    )]
    Check(ModelArg),
    /// Print each group's integration method, its update statements and the schedule
    #[command(
        after_help = "Examples:\n  rheobase show model.toml\n  rheobase show model.toml --ir     # also the kernel IR of every object"
    )]
    Show(ShowArgs),
    /// Run the CUBA network (built in) and write its raster plot
    #[command(
        after_help = "Examples:\n  rheobase demo\n  rheobase demo --out /tmp/demo\n\nThe model is examples/models/cuba.toml: the CUBA network of Brette et al. (2007),\n4000 leaky integrate-and-fire neurons with random synapses (p = 2 %), 1 second."
    )]
    Demo(DemoArgs),
}

#[derive(Debug, Args)]
pub struct ModelArg {
    /// The model file (TOML)
    pub model: PathBuf,
    /// Build kernels for the reference interpreter instead of the JIT
    #[arg(long)]
    pub interpreter: bool,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub model: ModelArg,
    /// Output folder (default: out/<model name>)
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Seed of the random numbers (default: the model's, else a fresh one, recorded)
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: one per core)
    #[arg(long)]
    pub threads: Option<usize>,
    /// Replace a constant: --set tau="20 ms" (repeatable)
    #[arg(long = "set", value_name = "NAME=VALUE", value_parser = parse_set)]
    pub sets: Vec<(String, String)>,
    /// Also draw each monitor as PNG and SVG
    #[arg(long)]
    pub plot: bool,
    /// No progress bar
    #[arg(long, short)]
    pub quiet: bool,
    /// Simulate at most this long in all, cutting the runs short (a quick try: "50 ms")
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub max_time: Option<f64>,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    #[command(flatten)]
    pub model: ModelArg,
    /// Also print the kernel IR of every scheduled object
    #[arg(long)]
    pub ir: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Output folder
    #[arg(long, short, value_name = "DIR", default_value = "rheobase-demo")]
    pub out: PathBuf,
    /// No progress bar
    #[arg(long, short)]
    pub quiet: bool,
}

fn parse_duration(text: &str) -> Result<f64, String> {
    crate::model::values::duration(&toml::Value::String(text.into()), &Default::default())
}

fn parse_set(text: &str) -> Result<(String, String), String> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| format!("expected NAME=VALUE, found '{text}'"))?;
    let name = name.trim();
    if name.is_empty() || value.trim().is_empty() {
        return Err(format!("expected NAME=VALUE, found '{text}'"));
    }
    Ok((name.to_string(), value.trim().to_string()))
}

/// Runs the program with the process's arguments; returns the exit status.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return e.exit_code();
        }
    };
    match execute(cli.command) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("{e}");
            1
        }
    }
}

fn execute(command: Command) -> Result<(), CliError> {
    match command {
        Command::Check(arg) => {
            let model = ModelFile::load(&arg.model)?;
            let built = build::build(&model, &overrides(&arg, Vec::new()))?;
            let runs: f64 = built.runs.iter().map(|r| r.duration).sum();
            let n_synapses: usize = built.synapses.values().map(|s| s.synapses.len()).sum();
            println!(
                "{}: ok ({} groups, {} monitors, {} runs, {} s simulated, {n_synapses} synapses in {} objects)",
                arg.model.display(),
                built.groups.len(),
                built.monitors.len(),
                built.runs.len(),
                runs,
                built.synapses.len(),
            );
            Ok(())
        }
        Command::Show(args) => {
            let model = ModelFile::load(&args.model.model)?;
            let built = build::build(&model, &overrides(&args.model, Vec::new()))?;
            print!("{}", describe::show(&built, args.ir));
            Ok(())
        }
        Command::Run(args) => {
            let model = ModelFile::load(&args.model.model)?;
            let out = args
                .out
                .clone()
                .unwrap_or_else(|| default_out(&args.model.model));
            let options = RunOptions {
                out,
                threads: args.threads,
                overrides: Overrides {
                    seed: args.seed,
                    ..overrides(&args.model, args.sets.clone())
                },
                plot: args.plot,
                quiet: args.quiet,
                max_time: args.max_time,
            };
            report(run::run(&model, &options)?);
            Ok(())
        }
        Command::Demo(args) => {
            let model = ModelFile::parse("demo.toml (embedded)", DEMO_MODEL)?;
            let options = RunOptions {
                out: args.out,
                plot: true,
                quiet: args.quiet,
                ..Default::default()
            };
            report(run::run(&model, &options)?);
            Ok(())
        }
    }
}

fn overrides(arg: &ModelArg, constants: Vec<(String, String)>) -> Overrides {
    Overrides {
        constants,
        interpreter: arg.interpreter,
        seed: None,
    }
}

fn default_out(model: &Path) -> PathBuf {
    let stem = model
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "model".into());
    PathBuf::from("out").join(stem)
}

fn report(outcome: run::Outcome) {
    let s = &outcome.summary;
    println!(
        "simulated {} s in {:.2} s ({:.1}x real time), seed {}",
        s["simulated_time_s"],
        s["wall_time_s"].as_f64().unwrap_or(0.0),
        s["speed_vs_real_time"].as_f64().unwrap_or(0.0),
        s["seed"]
    );
    if let Some(monitors) = s["monitors"].as_object() {
        for (name, m) in monitors {
            if let Some(rate) = m["mean_rate_hz"].as_f64() {
                println!("  {name}: mean rate {rate:.2} Hz");
            }
        }
    }
    for f in &outcome.files {
        println!("wrote {}", f.display());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn arguments_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn set_takes_name_equals_value() {
        assert_eq!(
            parse_set("tau=20 ms").unwrap(),
            ("tau".to_string(), "20 ms".to_string())
        );
        assert!(parse_set("tau").is_err());
        assert!(parse_set("=3").is_err());
    }

    #[test]
    fn the_demo_model_checks() {
        let model = ModelFile::parse("demo.toml", DEMO_MODEL).unwrap();
        let built = build::build(&model, &Overrides::default()).unwrap();
        assert!(!built.monitors.is_empty());
    }
}
