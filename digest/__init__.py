"""paper-digest: turn research-paper listings into a searchable static site with feeds."""

__version__ = "0.1.0"
