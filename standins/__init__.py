"""Local stand-ins for the outside services officebot talks to, for tests and the sandbox.

Each stand-in is a separate thing: it imports nothing from the bot (bot/, handlers/, services/, storage/,
domain/, schedules/), so it can run next to any build of the bot, or without one.
"""
