"""Pure decisions for the SMS line: keywords, member replies, staff commands and escalation."""
