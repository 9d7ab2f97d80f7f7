"""Sentence splitting and sentence alignment for any two parallel texts."""
