"""/help, /privacy and the other answers a resident reads."""
