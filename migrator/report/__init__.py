"""Reporters: one module per output format (design.md §6, item 10); ``render.py`` picks one."""
