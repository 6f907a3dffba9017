"""What travels on the topics: topic names, message schemas, codecs, dead letters and the
input articles that become ``article.raw`` messages."""
