"""The SMS line: the inbound runner, staff commands by text, conversation state, the terminal."""
