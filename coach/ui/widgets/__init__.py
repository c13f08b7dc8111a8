"""Reusable widgets: the top bar, index status, search hits and note sources."""
