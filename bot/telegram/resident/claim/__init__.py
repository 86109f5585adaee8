"""A caller claims, in Telegram, the report an officer took from them."""
