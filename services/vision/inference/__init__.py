"""One class per vision model: how its input is made and how its answer is read (the runtime runs it)."""
