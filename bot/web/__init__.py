"""The bot's web pages (aiohttp, server-rendered): the staff console (issue 24)."""
