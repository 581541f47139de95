"""A chat console that streams the answer as it is generated."""
