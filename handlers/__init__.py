"""officebot package."""
