// Fixture for cpu-pool tests: loads fine but exports no function for piscina to call.
export const notAFunction = 42;
