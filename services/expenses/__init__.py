"""Expenses: cost control on a claim, the month's expense reminders, project costs from claims."""
