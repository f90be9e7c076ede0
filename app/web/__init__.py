"""The web shell shared by every domain: templates, static files, headers, CSRF and the kernel pages."""
