"""The command families of `picsift`, one module each; each lists its click commands in COMMANDS."""
from services.app.commands import duplicates, library, models, ops, people, run, users

FAMILIES = (run, library, ops, users, models, people, duplicates)
