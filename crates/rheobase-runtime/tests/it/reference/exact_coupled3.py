from brian2 import *
prefs.codegen.target='numpy'
eqs='''dx/dt = (-2*x + y)/ms : 1
dy/dt = (x - 2*y + z)/ms : 1
dz/dt = (y - 2*z + 1)/ms : 1'''
G = NeuronGroup(2, eqs)
G.x = [0.3, -1.0]; G.y = [-0.2, 0.5]; G.z = [0.5, 2.0]
M = StateMonitor(G, ['x','y','z'], record=True)
run(1*ms)
print(G.state_updater.method_choice if hasattr(G.state_updater,'method_choice') else '')
for v in 'xyz':
    print(v, repr(list(getattr(G, v)[:])))
