"""End-to-end helpers: a local stand-in for each provider's OpenAI-compatible API."""
