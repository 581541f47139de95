"""A batch job that retries rate-limited calls itself, with exponential backoff."""
