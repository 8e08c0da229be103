"""Brian2's integration method objects (``method=rk4`` as well as ``method='rk4'``): each is
the method's name, which the engine integrates with."""


class StateUpdateMethod(str):
    """An integration method, known to the engine by its name."""

    def __repr__(self):
        return f"<StateUpdateMethod {str(self)!r}>"


euler = StateUpdateMethod("euler")
rk2 = StateUpdateMethod("rk2")
rk4 = StateUpdateMethod("rk4")
heun = StateUpdateMethod("heun")
milstein = StateUpdateMethod("milstein")
exact = StateUpdateMethod("exact")
linear = StateUpdateMethod("linear")
independent = StateUpdateMethod("independent")
exponential_euler = StateUpdateMethod("exponential_euler")

__all__ = ["StateUpdateMethod", "euler", "rk2", "rk4", "heun", "milstein", "exact", "linear",
           "independent", "exponential_euler"]
