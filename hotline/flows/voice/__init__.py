"""Pure decisions for the voice line: the menu's state machine, its steps and speech."""
