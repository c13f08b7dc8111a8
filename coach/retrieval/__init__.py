"""Finding the notes and principles relevant to a question: embeddings, indexes and search."""
