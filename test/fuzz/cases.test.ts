/**
 * Every sequence the long fuzz run (`npm run fuzz`) found, shrunk, as a regression test:
 * each must now leave the server identical to a fresh index. A case records the fixture,
 * the seed it came from and the exact edits, so it replays without the generator.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadCases, runSequence } from './harness';

describe('fuzz cases found earlier (test/fuzz/cases)', { concurrency: 2 }, () => {
  const cases = loadCases();
  it('has cases to replay', () => assert.ok(cases.length > 0));
  for (const c of cases) {
    it(`${c.name} (${c.edits.length} edits): ${(c.failure ?? '').split('\n')[0].slice(0, 100)}`, { timeout: 120_000 }, async () => {
      const result = await runSequence(c.fixture, c.seed, c.edits);
      assert.equal(result.failure, undefined, result.failure);
    });
  }
});
