"""Reading the mentee's notes: the Note model, the folder scanner, dates and commitments."""
