"""inbox part of the staff console."""
