"""Run reports: what moved, what did not and why, in HTML, Markdown or JSON."""
