"""The command families of `picsift`, one module each; each registers its sub-commands and their handlers."""
from services.app.commands import library, models, ops, run, users

FAMILIES = (run, library, ops, users, models)
