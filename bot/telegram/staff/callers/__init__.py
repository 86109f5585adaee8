"""Reports taken by phone or in person: the duty officer's form."""
