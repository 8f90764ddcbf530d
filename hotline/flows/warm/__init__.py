"""Pure decisions for the warm line: who is rung when, and where a relayed text goes."""
