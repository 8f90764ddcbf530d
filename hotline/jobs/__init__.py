"""RQ jobs. Each takes ids, opens its own session, locks its row and is safe to run twice."""
