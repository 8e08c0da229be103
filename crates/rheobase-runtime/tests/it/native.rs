//! The native C tier gives the JIT's spikes and states through the runtime, and without a
//! compiler everything keeps running on the JIT.

use crate::backends::{hh, kitchen_sink, lif, noisy_lif, Build};
use crate::{jitted, DT};
use rheobase_codegen::native::{NativeCompiler, TieredBackend};
use rheobase_runtime::{NativeMode, Network, When};
use std::sync::Arc;

fn has_compiler() -> bool {
    match NativeCompiler::from_env().available() {
        Ok(()) => true,
        Err(e) => {
            eprintln!("skipping the native half: {e}");
            false
        }
    }
}

type Outcome = (Vec<usize>, Vec<f64>, Option<Vec<Vec<f64>>>, Vec<f64>);

fn outcome(net: &Network, build: Build, steps: f64) -> Outcome {
    let (g, s, m) = build(net);
    net.run(steps * DT).unwrap();
    (s.i(), s.t(), m.values("v"), g.get("v").unwrap())
}

fn same_native_and_jit(build: Build, steps: f64) {
    let jit = jitted();
    jit.set_native(NativeMode::Never);
    let native = jitted();
    native.set_native(NativeMode::Always);
    let a = outcome(&jit, build, steps);
    let b = outcome(&native, build, steps);
    assert_eq!(a, b);
    assert!(!a.0.is_empty(), "the model should spike");
    assert!(jit.native_kernels().iter().all(|k| !k.2));
    if has_compiler() {
        let kernels = native.native_kernels();
        assert!(kernels.iter().all(|k| k.2), "{kernels:?}");
    }
}

#[test]
fn hh_is_identical_on_native_and_jit() {
    same_native_and_jit(hh, 400.0);
}

#[test]
fn lif_is_identical_on_native_and_jit() {
    same_native_and_jit(lif, 400.0);
}

#[test]
fn noise_events_and_subgroups_are_identical_on_native_and_jit() {
    same_native_and_jit(noisy_lif, 200.0);
    same_native_and_jit(kitchen_sink, 200.0);
}

/// Auto mode leaves short runs on the JIT and moves long ones (in the background).
#[test]
fn auto_mode_moves_only_long_runs() {
    let state_update_native = |net: &Network| {
        net.native_kernels()
            .into_iter()
            .find(|k| k.1.contains("state"))
            .map(|k| k.2)
    };
    let net = jitted();
    net.set_native(NativeMode::Auto);
    let _model = lif(&net);
    net.run(10.0 * DT).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(50));
    assert_eq!(state_update_native(&net), Some(false));
    if !has_compiler() {
        return;
    }
    // 50 neurons at a cost of about 10 for 10^7 steps: well above the threshold. The run
    // stops itself after its first step; compiling goes on in the background.
    net.network_operation(
        When::new("end", 0),
        None,
        Box::new(|net, _| {
            net.stop();
            Ok(())
        }),
    )
    .unwrap();
    net.run(1e7 * DT).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while state_update_native(&net) != Some(true) && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(state_update_native(&net), Some(true));
}

/// A compiler that does not exist: every mode runs, on the JIT, with the same results.
#[test]
fn without_a_compiler_everything_stays_on_the_jit() {
    let dir = std::env::temp_dir().join(format!("rheobase-nocc-{}", std::process::id()));
    let backend = TieredBackend::with_compiler(
        rheobase_codegen::default_backend(),
        NativeCompiler::with_compiler("/nonexistent/cc", dir),
    );
    let net = Network::with_backend(Arc::new(backend));
    net.seed(11);
    net.set_native(NativeMode::Always);
    let reference = jitted();
    reference.set_native(NativeMode::Never);
    assert_eq!(outcome(&net, hh, 200.0), outcome(&reference, hh, 200.0));
    assert!(net.native_kernels().iter().all(|k| !k.2));
}

/// `RHEOBASE_CC` naming nothing: the same, through the environment (in a child process,
/// since the environment's compiler is looked for once per process).
#[test]
fn a_missing_compiler_named_by_the_environment_falls_back_to_the_jit() {
    if std::env::var_os("RHEOBASE_NATIVE_CHILD").is_some() {
        let net = jitted();
        assert_eq!(net.native_mode(), NativeMode::Always);
        let reference = jitted();
        reference.set_native(NativeMode::Never);
        assert_eq!(outcome(&net, hh, 100.0), outcome(&reference, hh, 100.0));
        assert!(net.native_kernels().iter().all(|k| !k.2));
        return;
    }
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "native::a_missing_compiler_named_by_the_environment_falls_back_to_the_jit",
            "--exact",
            "--test-threads=1",
        ])
        .env("RHEOBASE_NATIVE_CHILD", "1")
        .env("RHEOBASE_CC", "/nonexistent")
        .env("RHEOBASE_NATIVE", "always")
        .status()
        .unwrap();
    assert!(status.success());
}
