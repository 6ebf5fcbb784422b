"""One widget per module; widgets are dumb and post messages up to their screen."""
