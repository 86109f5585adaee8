"""The subscriptions feature: its router, texts and rendering side by side."""
