"""Similar photos: each photo's embedding in a vector index beside the record store, neighbours per user."""
