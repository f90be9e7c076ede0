"""The participation domain: profiles, consent, preferences, access and travel needs,
opportunities and expressions of interest."""
