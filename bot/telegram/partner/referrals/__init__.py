"""A report referred to an outside body, in the body's chat: accept, answer, close."""
