"""Rules (features) and provider specs; installed as ``migrator.rules``.

This package's ``__init__`` imports nothing, so that importing any of its modules runs no other:
``registry.py`` lists the rules, ``targets.py`` loads the provider specs.
"""
