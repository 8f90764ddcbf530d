"""The voice line: the runner, what a step looks up, TwiML for callers and staff, the terminal."""
