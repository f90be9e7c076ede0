"""Request and response schemas of the payments domain's JSON API and forms."""
