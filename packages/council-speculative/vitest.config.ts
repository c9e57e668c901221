import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedTestConfig } from '../../tools/vitest/shared.js';

export default mergeConfig(sharedTestConfig, defineConfig({ test: { name: '@whitebox/council-speculative' } }));
