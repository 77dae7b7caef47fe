"""Training, policy acknowledgement and coaching records (models to come)."""
