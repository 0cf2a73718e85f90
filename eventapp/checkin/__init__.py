"""Check-in at the venue: scanner page, once per session, arrivals board, offline queue."""
