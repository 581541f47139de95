"""A newsroom helper: headlines through the module-level client, a fact-check worker with its own retries."""
