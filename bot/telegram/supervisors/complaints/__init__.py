"""A complaint about police conduct, in the complaints chat: take, write to the resident, answer."""
