"""Money coming in: payments and bank drafts (来款), receivables (应收), collection chasing (催款)."""
