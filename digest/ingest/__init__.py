"""Listings in: one reader per format (``readers/``), records normalized into papers, and ``digest fetch`` with its HTTP client."""
