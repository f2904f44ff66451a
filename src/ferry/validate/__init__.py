"""`ferry validate`: accounting, keys, integrity, content, money and declared checks."""
