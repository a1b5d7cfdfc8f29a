import { defineConfig } from 'vitest/config'

// Unit tests sit beside the code and import sources directly; integration tests in test/ spawn the built CLI
// (`npm test` builds first). Two cores here and in CI: keep workers capped.
export default defineConfig({
  test: {
    maxWorkers: 2,
    // The JSON report is what .ci/run tallies; the default reporter is for people.
    reporters: ['default', ['json', { outputFile: '.vitest-report.json' }]],
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['shared/src/**/*.test.ts', 'sdk/src/**/*.test.ts', 'desktop/src/**/*.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'integration', include: ['test/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 },
      },
    ],
  },
})
