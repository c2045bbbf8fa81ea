"""Fact extraction: figures and positions found in article text (pure functions)."""
