"""Observational evaluation of pilots: before/after and difference-in-differences (no Django)."""
