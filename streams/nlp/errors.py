"""Errors the pure NLP code raises for input it cannot process."""


class InputError(ValueError):
    """The article cannot be processed; the message is the reason shown in the dead-letter topic."""
