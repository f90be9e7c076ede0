"""Request and response schemas of the participation domain's JSON API and forms."""
