"""Alerts: detection into an outbox, delivery exactly once per event (see outbox.py)."""
