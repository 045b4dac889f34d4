"""Huying (呼应): one entry for citizen requests, routed, tracked, rated and counted."""
