"""Pilot tests of the Textual app, its snapshots, and one real-terminal run."""
