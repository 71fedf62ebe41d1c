"""Capacity logging: time lost, meetings and admin, and each team's list of time-lost categories."""
