"""The outside bodies' side: what reaches their own chats."""
