"""Geotagging: place mentions -> GeoNames entries with coordinates, plus the article's focus."""

from streams.nlp.geo.gazetteer import Gazetteer, load_gazetteer
from streams.nlp.geo.tag import geotag

__all__ = ["Gazetteer", "geotag", "load_gazetteer"]
