"""Helpers for the test fixtures: PostgreSQL databases, the SMTP server, the browser."""
