"""Question answering: search, the answer decision and composition, and the engine that runs them."""
