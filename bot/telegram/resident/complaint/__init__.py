"""A complaint about a police officer: the resident's wizard and their replies."""
