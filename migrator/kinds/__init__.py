"""File kinds besides Python modules; ``base.py`` holds what they share (this ``__init__`` imports nothing)."""
