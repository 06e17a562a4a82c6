import type { Query, Sort, Update } from './document-repository.port';

// Compile-time checks (tsc / eslint type-check this file); the test only keeps Jest happy.
interface Doc {
  _id: string;
  n: number;
  s?: string;
  o: { a: string; deep?: { x: number } };
  tags: string[];
  b: boolean;
}

export const accepted: Query<Doc>[] = [
  { n: 1 },
  { 'o.a': 'x', 'o.deep.x': { $gte: 2 } },
  { s: null },
  { s: { $in: ['a', null], $exists: true } },
  { _version: 2, _id: { $ne: 'x' } },
  { b: false },
];
export const sort: Sort<Doc> = { 'o.a': 1, n: -1 };
export const patch: Update<Doc> = { $set: { 'o.deep.x': 1, tags: ['a'] }, $unset: ['s'] };

// @ts-expect-error a number field compared with a string
export const wrongType: Query<Doc> = { n: 'x' };
// @ts-expect-error objects are not comparable
export const objectEquality: Query<Doc> = { o: { a: 'x' } };
// @ts-expect-error arrays are not comparable
export const arrayEquality: Query<Doc> = { tags: 'a' };
// @ts-expect-error no range operators on booleans
export const booleanRange: Query<Doc> = { b: { $gt: true } };
// @ts-expect-error unknown field
export const unknownField: Query<Doc> = { nope: 1 };
// @ts-expect-error unsupported operator
export const regex: Query<Doc> = { s: { $regex: 'a' } };

describe('Query<T>', () => {
  it('type-checks the supported subset (see the compile-time cases above)', () => {
    expect(accepted).toHaveLength(6);
  });
});
