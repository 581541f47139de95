"""Poster studio: renders campaign artwork from short briefs with an image model."""
