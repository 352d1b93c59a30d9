// A node:test reporter that prints one closing line, `N passed, N failed` (top-level tests;
// cancelled ones count as failed, skipped and todo ones are left out). test/ui/run.mjs uses it
// next to the spec reporter.
export default async function* summary(source) {
  let passed = 0;
  let failed = 0;
  for await (const event of source) {
    if (event.data?.nesting !== 0) continue;
    if (event.type === 'test:pass' && !event.data.skip && !event.data.todo) passed++;
    else if (event.type === 'test:fail') failed++;
  }
  yield `${passed} passed, ${failed} failed\n`;
}
