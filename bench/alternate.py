#!/usr/bin/env python3
"""Alternating runs of `bench_suite --bench scaling` in several configurations, with the median
and spread of the loop, the setup and each object's wall time (RHEOBASE_BENCH_PROFILE=1).
A measurement tool, not a test.

    python3 bench/alternate.py REPS N DURATION 'label|binary|args[|VAR=value...]' ...

e.g. python3 bench/alternate.py 3 300000 0.3 \\
         'one|target/release/examples/bench_suite|--threads 1' \\
         'two|target/release/examples/bench_suite|--threads 2'
The native tier is forced (RHEOBASE_NATIVE=always); runs go round-robin over the
configurations, so that a noisy machine affects them alike.
"""
import json
import os
import re
import statistics
import subprocess
import sys

OBJECTS = ['neurongroup_stateupdater', 'neurongroup_spike_thresholder', 'synapses_pre',
           'synapses_1_pre']


def run_once(binary, args, env, n, duration):
    cmd = [binary, '--bench', 'scaling', '--n', n, '--duration', duration] + args.split()
    out = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True, check=True).stdout
    times = {}
    for line in out.splitlines():
        m = re.match(r'\s+([\d.]+) s  (\S+)', line)
        if m:
            times[m.group(2)] = float(m.group(1))
        elif line.startswith('{'):
            record = json.loads(line)
            times['loop'] = record['times']['loop_s']
            times['setup'] = record['times']['setup_s']
    return times


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    reps, n, duration = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    configs = [c.split('|') for c in sys.argv[4:]]
    results = {c[0]: [] for c in configs}
    for _ in range(reps):
        for label, binary, args, *assignments in configs:
            env = dict(os.environ, RHEOBASE_NATIVE='always', RHEOBASE_BENCH_PROFILE='1')
            env.update(a.split('=', 1) for a in assignments)
            results[label].append(run_once(binary, args, env, n, duration))
    keys = ['loop', 'setup'] + OBJECTS
    print('%-12s' % 'config' + ''.join('%14s' % k[-14:] for k in keys))
    for label, runs in results.items():
        values = {k: [r.get(k, 0.0) for r in runs] for k in keys}
        print('%-12s' % label + ''.join('%14.3f' % statistics.median(values[k]) for k in keys))
        print('%-12s' % '  spread' + ''.join(
            '%14s' % ('%.3f-%.3f' % (min(values[k]), max(values[k]))) for k in keys))


if __name__ == '__main__':
    main()
