"""Languages: the gettext catalogs (locales/), and how amounts, durations and roles read."""
