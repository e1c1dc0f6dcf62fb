"""persona: fine-tune a personal model on one person's writing, evaluate it against the Phase 0a exit criteria,
and decide PROCEED / ADJUST / PIVOT / INCOMPLETE."""
