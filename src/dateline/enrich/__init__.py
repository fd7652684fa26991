"""Enrichers: entities, aliases, reported speech; each with a name and a version."""
