"""casepage part of the staff console."""
