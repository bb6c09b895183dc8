"""/dashboard: the office figures as PNG charts and as a workbook."""
