"""OKRs and weekly work plans from Microsoft Planner exports (issue 13)."""
