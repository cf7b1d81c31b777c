"""Everything the reader sees, made from the catalog: the page plan and its rendering, text escaping, feeds, BibTeX, trend charts, roll-ups, source status and the search index."""
