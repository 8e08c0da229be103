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

    def __repr__(self):
        return f"<{type(self).__name__} {self.name!r}>"


__all__ = ["BrianObject", "BrianObjectException"]
