"""The shared directory of people (speakers) and organisations."""
