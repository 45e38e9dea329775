/**
 * The row shape of the bad-input catalogue (`packages/<pkg>/test/bad-input-*.test.ts`): one table per surface, one
 * `test()` per row, each row naming the specific error it expects — its code or AWS error type, the field, and a
 * message that says what is allowed and what was received. A row whose input is accepted fails.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type SpecProblem, StreamkitError } from '../../src/errors.ts';

export interface Expected {
  /** A StreamkitError code (`SK_VALIDATION`), an AWS error type (`ValidationException`) or an HTTP status ('400'). */
  readonly code: string;
  /** The field the error names (a StreamkitError's `path`, the first problem's path of a spec). */
  readonly field?: string;
  /** Every problem's path, in order, when the surface promises to report every problem at once. */
  readonly fields?: readonly string[];
  readonly message: RegExp;
}

export interface BadInput<I> {
  readonly name: string;
  readonly input: I;
  readonly expect: Expected;
}

/** What a surface answered: the same three things, read off whatever it returns or throws. */
export interface Observed {
  readonly code: string;
  readonly field?: string | undefined;
  readonly fields?: readonly string[] | undefined;
  readonly message: string;
}

/** Registers one test per row: `attempt` feeds the input to the surface and reports what it answered. */
export function catalogue<I>(rows: readonly BadInput<I>[], attempt: (input: I) => Promise<Observed> | Observed): void {
  const names = new Set<string>();
  for (const row of rows) {
    assert.ok(!names.has(row.name), `two rows are named "${row.name}"`);
    names.add(row.name);
    test(row.name, async () => {
      const observed = await attempt(row.input);
      const said = `${observed.code}: ${observed.message}`;
      assert.equal(observed.code, row.expect.code, said);
      if (row.expect.field !== undefined) assert.equal(observed.field, row.expect.field, said);
      if (row.expect.fields !== undefined) assert.deepEqual(observed.fields, row.expect.fields, said);
      assert.match(observed.message, row.expect.message, said);
    });
  }
}

/** Runs `fn`, which must throw a StreamkitError; a SpecValidationError also lists every problem's path. */
export async function thrown(fn: () => unknown): Promise<Observed> {
  try {
    await fn();
  } catch (error) {
    if (!StreamkitError.is(error)) {
      throw new assert.AssertionError({ message: `threw ${String(error)}, not a StreamkitError`, actual: error });
    }
    const problems = (error as { problems?: readonly SpecProblem[] }).problems;
    const fields = problems?.map((p) => p.path);
    return { code: error.code, field: error.path, fields, message: error.message };
  }
  assert.fail('the input was accepted');
}
