"""Approvals (审批): submit, decide, withdraw, chase, change and resubmit a request; its cards."""
