/**
 * The acknowledgement budget (issue 9): at most 13 cdk-nag acknowledgements across all presets together, at most 5 of
 * them for wildcard IAM permissions, each with a specific reason. Every acknowledgement streamkit makes comes from
 * NAG_ACKNOWLEDGEMENTS (applyNag takes no other), so the catalogue is what is counted.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NAG_ACKNOWLEDGEMENTS } from '../src/nag.ts';

const entries = Object.entries(NAG_ACKNOWLEDGEMENTS);

test('at most 13 acknowledgements in all, at most 5 for wildcard IAM permissions', () => {
  assert.ok(entries.length <= 13, `${entries.length} acknowledgements: ${entries.map(([k]) => k).join(', ')}`);
  const wildcards = entries.filter(([, a]) => a.id.startsWith('AwsSolutions-IAM5'));
  assert.ok(wildcards.length <= 5, `${wildcards.length} wildcard acknowledgements: ${wildcards.map(([k]) => k)}`);
});

test('each acknowledgement names one rule and gives a reason of its own', () => {
  const reasons = new Set<string>();
  for (const [key, { id, reason }] of entries) {
    assert.match(id, /^AwsSolutions-[A-Z]+\d+(\[.+\])?$/, key);
    assert.ok(reason.length >= 80, `${key}: a reason says why the finding cannot be fixed (got "${reason}")`);
    assert.ok(!reasons.has(reason), `${key}: reason repeated`);
    reasons.add(reason);
  }
});
