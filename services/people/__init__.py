"""People (人事): registration, onboarding, probation (转正), leaving, monthly scores, bulk import."""
