"""What duty officers use in the staff supergroup, one folder per feature.

Every router here hangs under the staff area (`bot.telegram.access`), which checks the chat
and the role before any handler runs; `tests/unit/test_access.py` proves it."""
