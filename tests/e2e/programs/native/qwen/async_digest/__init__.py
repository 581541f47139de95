"""Nightly digest: summarizes several articles concurrently with the async client."""
