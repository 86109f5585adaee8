"""The helper feature: its router, texts and rendering side by side."""
