"""The command families of `picsift`, one module each; each registers its sub-commands and their handlers."""
from services.app.commands import duplicates, library, models, ops, people, run, users

FAMILIES = (run, library, ops, users, models, people, duplicates)
