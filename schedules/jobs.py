"""The sweeps the bot runs on a schedule; each module-level @job registers itself."""

from __future__ import annotations
