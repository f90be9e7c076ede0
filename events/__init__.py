"""The events domain: venues, events and panels, invitations, attendance, calendar invites."""
