"""Papers merged across listings, topics assigned and explained, the curator's file applied."""
