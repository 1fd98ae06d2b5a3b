"""Service performance: SLA policy and business calendar, deadlines, the weekly report and its KPIs."""
