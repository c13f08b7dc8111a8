"""coach: a local-first reflection coach over a mentee's own Markdown notes."""

__version__ = "0.1.0"
