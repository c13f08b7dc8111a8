"""One screen per file: home, first run, search, ask, reflect, prepare, commitments, notes, reader, help."""
