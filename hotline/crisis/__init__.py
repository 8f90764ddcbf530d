"""Crisis: cues and model loaded once, the resources file, a case's danger, caring contacts."""
