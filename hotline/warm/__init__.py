"""The warm line: callers waiting for a volunteer, voicemail, the text relay, volunteers, stats."""
