"""Admin registrations for training (none yet)."""
