"""Signal receivers that keep derived data in step (search index, support figures)."""
