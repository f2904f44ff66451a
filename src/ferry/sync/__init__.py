"""`ferry sync`: carrying over what changed in the source after a migration."""
