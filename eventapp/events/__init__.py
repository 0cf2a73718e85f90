"""Events: the event, its sessions, participating units, deadlines, quotas and topics."""
