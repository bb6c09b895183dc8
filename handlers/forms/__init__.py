"""The declarative form engine: a record type is declared once and run as a conversation."""
