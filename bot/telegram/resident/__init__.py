"""What residents use in their private chat with the bot, one folder per feature.

Public helpers are residents too: their application, profile and duty offers are in
`helper/`. Every router here hangs under the residents' area (`bot.telegram.access`)."""
