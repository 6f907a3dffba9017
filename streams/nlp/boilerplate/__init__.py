"""Boilerplate removal for the clean stage: HTML pages and scraped plain text."""

from streams.nlp.boilerplate.html import clean_html, visible_text
from streams.nlp.boilerplate.spans import Cleaned, Removed
from streams.nlp.boilerplate.text import clean_text

__all__ = ["Cleaned", "Removed", "clean_html", "clean_text", "visible_text"]
