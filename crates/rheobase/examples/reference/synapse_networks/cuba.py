import sys
from brian2 import *
prefs.codegen.target = 'cython'
for s in [int(x) for x in sys.argv[1:]]:
    start_scope()
    seed(s)
    tau_m = 20*ms; tau_exc = 5*ms; tau_inh = 10*ms
    V_threshold = -50*mV; V_reset = -60*mV; E_rest = -49*mV
    w_exc = (60*0.27/10)*mV; w_inh = (-20*4.5/10)*mV; n_exc = 3200
    eqs = '''
    dv/dt = (ge + gi - (v - E_rest))/tau_m : volt (unless refractory)
    dge/dt = -ge/tau_exc : volt
    dgi/dt = -gi/tau_inh : volt
    '''
    P = NeuronGroup(4000, eqs, threshold='v > V_threshold', reset='v = V_reset', refractory=5*ms, method='exact')
    P.v = 'V_reset + rand()*(V_threshold - V_reset)'
    Ce = Synapses(P, P, on_pre='ge += w_exc'); Ce.connect('i < n_exc', p=0.02)
    Ci = Synapses(P, P, on_pre='gi += w_inh'); Ci.connect('i >= n_exc', p=0.02)
    M = SpikeMonitor(P)
    run(1*second)
    c = M.count[:]
    print(f"cuba seed {s}: exc {c[:3200].mean():.3f} Hz inh {c[3200:].mean():.3f} Hz all {c.mean():.3f} Hz syn {len(Ce)} {len(Ci)}", flush=True)
