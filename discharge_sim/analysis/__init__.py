"""What the results mean: metrics of one replication, statistics across replications, tidy
tables, the counterfactual attribution, the policy comparison, warm-up, pool loads and the
queueing theory the engine is checked against. Pure functions: arrays and mappings in and out."""
