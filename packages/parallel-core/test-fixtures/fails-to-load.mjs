// Fixture for cpu-pool tests: a worker file whose module body throws, as a broken import would.
throw new Error('fixture refused to load');
