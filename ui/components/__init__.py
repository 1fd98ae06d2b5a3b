"""One component per widget kind that more than one page shows."""
