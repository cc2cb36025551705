"""Value realization after the sale: baselines, actuals and realization figures."""
