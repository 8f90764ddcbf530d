"""Pure decisions: state + event -> new state + effects. No I/O imports here."""
