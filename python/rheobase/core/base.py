"""The base of every simulation object, and the error raised for problems in its code."""

class BrianObjectException(Exception):
    """A problem in an object's model, threshold, reset or code string; the message shows
    the offending text with carets under it (Brian2's ``BrianObjectException``)."""

    def __init__(self, message, brianobj=None):
        Exception.__init__(self, message)
        self.brianobj = brianobj


class BrianObject:
    """Something that belongs to a network and takes part in runs."""

    #: The engine object (`rheobase._core.NeuronGroup`, monitors, ...).
    _engine = None
    #: The `rheobase._core.Network` the object belongs to.
    _network = None

    @property
    def name(self):
        return self._engine.name

    def _owner_names(self):
        """Names of the objects (this one, a subgroup's parent) that run with it."""
        return {self.name}

    def _update_namespace(self, run_ns):
        """Gives the engine the values its external constants have now: in the object's
        ``namespace`` dict, then in `run_ns` (see `rheobase.core.namespace`)."""
        from rheobase.core.namespace import update_namespace

        if hasattr(type(self._engine), "set_namespace"):
            own = self.__dict__.get("namespace")
            update_namespace(self.name, self._engine, own, run_ns)

    def __repr__(self):
        return f"<{type(self).__name__} {self.name!r}>"


__all__ = ["BrianObject", "BrianObjectException"]
