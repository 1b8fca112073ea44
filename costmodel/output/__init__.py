"""Output: the one table object and its writers, text helpers, safe file writing, spreadsheet safety.

The bottom floor: it knows nothing of MobileNet and imports no other part of ``costmodel``.
"""
