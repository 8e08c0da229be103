import sys
from brian2 import *
prefs.codegen.target = 'cython'
src = open('/work/shared/acceptance/scripts/cobahh.py').read()
src = src.replace('from brian2 import *', '').replace('seed(1995)', 'seed(SEED)')
for s in [int(x) for x in sys.argv[1:]]:
    start_scope()
    ns = dict(globals()); ns['SEED'] = s
    exec(src, ns)
    print(f"cobahh seed {s}: mean {ns['spikes'].num_spikes/(4000*0.5):.3f} Hz syn {len(ns['exc_syn'])} {len(ns['inh_syn'])}", flush=True)
