"""Developer tools that keep the house plan (run from the Makefile)."""
