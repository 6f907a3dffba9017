"""Errors the pure NLP code raises for input it cannot process."""


class InputError(ValueError):
    """The article cannot be processed; the message is the reason shown in the dead-letter topic."""

    error_class = "input"


class LanguageError(InputError):
    """The article is in a language the pipeline has no model for, and the settings send such
    articles to the dead-letter topic (``NEWSSTREAM_OTHER_LANGUAGES=dlq``)."""

    error_class = "language"
