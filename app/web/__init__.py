"""The web shell every domain shares: templates, static files, headers, CSRF, kernel pages."""
