"""Renderers of an Analysis: terminal (Rich), JSON (versioned schema) and self-contained HTML."""
