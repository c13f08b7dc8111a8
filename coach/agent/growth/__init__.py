"""The growth mirror: then-and-now pairs, kept commitments, the mentor's words, next steps, reviews."""
