"""Helpers with Brian2's names (``brian2.utils``): logging control."""
