"""From schools to a region: aggregation, the build, roll-ups, the dataset file, summary tables."""
