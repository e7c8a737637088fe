"""Model runtimes: the port and its adapters."""
