"""Pure crisis decisions: the detector, its cues and model, the reply, caring contacts' timing."""
