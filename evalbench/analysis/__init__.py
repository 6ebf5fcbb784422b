"""Analysis over the store: frequencies, matrices, co-occurrence, ratings, agreement."""
