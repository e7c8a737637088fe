"""People: faces grouped into persons per user, named by her; follows the record store's change feed."""
