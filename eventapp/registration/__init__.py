"""Delegate registration: attendees, caps, check-in codes, invitations and badges."""
