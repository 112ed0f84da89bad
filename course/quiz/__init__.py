"""Question selection, answering and scoring; no UI here."""
