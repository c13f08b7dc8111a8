"""Chat-model providers and prompt loading."""
