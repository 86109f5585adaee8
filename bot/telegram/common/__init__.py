"""What serves every chat: the error handler, the fallbacks, groups' own commands, and the
texts and report rendering the features share."""
