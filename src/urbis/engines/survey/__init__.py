"""Survey and study instruments: pure scoring, no Django."""
