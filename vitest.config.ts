// Test runner settings: vitest inside Bun needs the threads pool (the forks pool fails under Bun).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    pool: "threads",
    include: ["core/**/*.test.ts", "plugins/**/*.test.ts", "themes/**/*.test.ts", "test/**/*.test.ts", "examples/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
