"""Monthly bulletins (月度通报): generated files and schedules. Filled in by the bulletin work."""
