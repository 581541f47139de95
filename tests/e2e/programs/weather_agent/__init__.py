"""A small agent that answers with the help of a weather tool (function calling round trip)."""
