"""queues part of the staff console."""
