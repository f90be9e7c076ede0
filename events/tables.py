"""Piccolo tables of the events domain: venues, events and panels, invitations, attendance,
check-ins, debriefs and calendar invites.

Declarations only.
"""
