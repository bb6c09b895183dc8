"""What every use case stands on: context, configuration, audit log, job slots, drafts, staff."""
