"""Big Excel imports as background jobs (see ``jobs``)."""
