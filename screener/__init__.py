"""screener: an open, non-diagnostic check on opioid use that points to free, public help."""
