"""The participation domain: people: profiles, consent, preferences, access and travel needs, opportunities, expressions of interest."""
