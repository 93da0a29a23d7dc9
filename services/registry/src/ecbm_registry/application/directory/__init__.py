"""The programme directory: full-text and faceted search, the map, quality labels in."""
