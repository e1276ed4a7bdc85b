"""Documents: reading corpus files, cleaning extraction noise, metadata, chunking into passages."""
