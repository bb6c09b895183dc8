"""Attendance (考勤): check in and out, each day's status, the monthly sheet, the holiday calendar."""
