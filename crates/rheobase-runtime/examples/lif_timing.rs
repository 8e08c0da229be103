//! Times a LIF population without synapses (per-step overhead of the runtime plus kernels).
//! `N=4000 cargo run --release -p rheobase-runtime --example lif_timing [interp] [norefractory]
//! [profile] [ir]`

use rheobase_runtime::{Network, NeuronGroup, NeuronGroupOptions, Refractory, SpikeMonitor};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // `lif_timing interp` runs on the reference interpreter instead of the JIT.
    let net = if std::env::args().any(|a| a == "interp") {
        Network::with_backend(rheobase_runtime::interpreter())
    } else {
        Network::new()
    };
    let refractory = if std::env::args().any(|a| a == "norefractory") {
        Refractory::None
    } else {
        Refractory::Duration(5e-3)
    };
    net.seed(1);
    let g = NeuronGroup::new(
        &net,
        std::env::var("N")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(4000),
        "dv/dt = (ge + gi - (v + 49*mV))/(20*ms) : volt (unless refractory)\n\
         dge/dt = -ge/(5*ms) : volt\n\
         dgi/dt = -gi/(10*ms) : volt",
        NeuronGroupOptions {
            threshold: Some("v > -50*mV".into()),
            reset: Some("v = -60*mV".into()),
            refractory,
            ..Default::default()
        },
    )?;
    g.set_expr("v", "-60*mV + rand()*12*mV")?;
    let spikes = SpikeMonitor::spikes(&g, Default::default())?;
    if std::env::args().any(|a| a == "ir") {
        println!(
            "{}",
            net.kernel_ir("neurongroup_stateupdater")
                .unwrap_or_default()
        );
    }
    let profile = std::env::args().any(|a| a == "profile");
    net.set_profiling(profile);
    let start = Instant::now();
    net.run(1.0)?;
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{} on {}: {:.3} s for 10000 steps ({:.1} us/step), {} spikes",
        g.name(),
        net.backend_name(),
        secs,
        secs / 1e4 * 1e6,
        spikes.num_events()
    );
    for (name, time) in net.profiling_info() {
        println!("  {name:40} {:.3} s", time.as_secs_f64());
    }
    Ok(())
}
