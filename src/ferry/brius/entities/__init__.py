"""The lab's entities, grouped by domain area."""
