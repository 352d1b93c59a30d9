/**
 * Incremental equals fresh: seeded sequences of realistic edits sent through the language
 * server, then its graph and diagnostics compared with a fresh index of the same final
 * texts. The short run with fixed seeds; `npm run fuzz -- --minutes N` runs random seeds
 * and stores what it finds in test/fuzz/cases/ (replayed by cases.test.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { editsFor, listFixtures, runSequence } from './harness';

/** Seeds per fixture: together about a minute, two sequences at a time. */
const SEEDS = Array.from({ length: 10 }, (_, i) => i + 1);

describe('incremental index equals a fresh index (differential fuzz, fixed seeds)', { concurrency: 2 }, () => {
  for (const fixture of listFixtures()) {
    for (const seed of SEEDS) {
      it(`${fixture}, seed ${seed}`, { timeout: 120_000 }, async () => {
        const result = await runSequence(fixture, seed);
        assert.ok(result.applied > 0, 'the sequence applied no edit');
        assert.equal(result.failure, undefined, `replay with: npm run fuzz -- --seed ${seed} --fixture ${fixture} --once\n${result.failure}`);
      });
    }
  }

  it('generates the same edits for the same seed and fixture', () => {
    for (const fixture of listFixtures()) {
      const a = editsFor(fixture, 42);
      assert.deepEqual(editsFor(fixture, 42), a);
      assert.notDeepEqual(editsFor(fixture, 43), a);
    }
  });
});
