"""What the spatial benchmarks (spatial_axon.py, spatial_swc.py) share: the simulator import,
Brian2 standalone set-up, and re-running the compiled standalone program so that repetitions
do not pay for a C++ compilation each (a compilation takes minutes on a loaded 2-core box).
"""
import os
import resource
import shutil
import statistics
import subprocess
import tempfile


def load_simulator(sim, target, outdir=None):
    """The module to build the model with (`brian2` or `rheobase`) and, for Brian2 standalone,
    the output directory of the C++ project (`outdir`: kept, so that a later run with the same
    code recompiles nothing; `None`: a temporary one, removed by `cleanup`)."""
    if sim == "brian2":
        import brian2 as module
        if target == "standalone":
            outdir = outdir or tempfile.mkdtemp(prefix="b2-spatial-")
            module.set_device("cpp_standalone", directory=outdir, build_on_run=False)
            return module, outdir
        module.prefs.codegen.target = target
        return module, None
    import rheobase as module
    return module, None


def standalone_loop_s(outdir):
    """The C++ program's own timing of its last simulation loop."""
    with open(os.path.join(outdir, "results", "last_run_info.txt")) as f:
        return float(f.read().split()[0])


def children_cpu_s():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def standalone_build_and_time(sim, outdir, reps):
    """Compiles and runs the standalone project once, then runs the program `reps` more
    times; returns the loop wall time of each of those runs (the program's own timer) and the
    CPU time of each whole program (its loop plus loading and saving its arrays)."""
    sim.device.build(directory=outdir, compile=True, run=True)
    times, cpu = [], []
    for _ in range(reps):
        before = children_cpu_s()
        subprocess.run(["./main"], cwd=outdir, check=True, stdout=subprocess.DEVNULL)
        cpu.append(children_cpu_s() - before)
        times.append(standalone_loop_s(outdir))
    return times, cpu


def summary(times, cpu):
    """Wall and CPU seconds of each repetition's loop, and their medians. On a shared,
    loaded machine the CPU time is the steadier measure of the work done."""
    return {"loop_s": [round(t, 4) for t in times],
            "loop_median_s": round(statistics.median(times), 4),
            "loop_cpu_s": [round(t, 4) for t in cpu],
            "loop_cpu_median_s": round(statistics.median(cpu), 4)}


def cleanup(outdir, keep):
    if outdir and not keep:
        shutil.rmtree(outdir, ignore_errors=True)
