"""The growth mirror: then-and-now pairs, kept promises, the mentor's words, next steps, reviews."""
