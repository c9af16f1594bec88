import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    // Under CI a JSON report is written too, so .ci/run can print one plain "N passed, N failed" line.
    reporters: process.env.CI
      ? ["default", ["json", { outputFile: "coverage/vitest-report.json" }]]
      : ["default"],
    env: { NO_COLOR: "1" },
    globalSetup: ["./test/support/postgres-global-setup.ts"],
    coverage: { provider: "v8", include: ["src/**/*.ts"], exclude: ["src/**/*.test.ts"] },
  },
});
