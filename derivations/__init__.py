"""Reference derivations of the homework, one module per question."""
