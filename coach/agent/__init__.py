"""The coach service the UI and CLI call: ask, reflect, agenda, commitments, themes."""
