"""A module whose import fails with a message of several lines (an env module with a bug)."""

raise RuntimeError("this env module is broken\nsecond line of the message\nthird line")
