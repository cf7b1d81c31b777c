"""The site out: the MkDocs run and its one plugin, the atomic swap into site/, and deploy to a gh-pages branch."""
