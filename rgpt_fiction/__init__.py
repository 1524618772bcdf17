"""rgpt-fiction: personalized interactive fiction with RecurrentGPT's language-based recurrence."""

__version__ = "0.1.0"
