"""Frontends: one module per OpenAI feature, provider-agnostic (design.md §3)."""
