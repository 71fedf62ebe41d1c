"""Box score measures: definitions, weekly values and their charts."""
