"""/start, the consent to the privacy notice, /language and the main menu."""
