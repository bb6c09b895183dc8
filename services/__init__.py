"""Use cases, by feature (approvals/, reports/, records/ …) apart from the platform (platform/, messaging/ …)."""
