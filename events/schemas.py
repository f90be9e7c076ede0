"""Request and response schemas of the events domain's JSON API and forms."""
