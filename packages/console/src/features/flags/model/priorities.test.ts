import { describe, expect, it } from 'vitest';
import { nextPriority, reorder } from './priorities.js';

describe('segment override order', () => {
  const list = [
    { id: 'a', priority: 0 },
    { id: 'b', priority: 10 },
    { id: 'c', priority: 20 },
  ];

  it('moves one override and patches only those whose priority changes', () => {
    expect(reorder(list, 2, 0)).toEqual([
      { id: 'c', priority: 0 },
      { id: 'a', priority: 10 },
      { id: 'b', priority: 20 },
    ]);
    expect(reorder(list, 0, 1)).toEqual([
      { id: 'b', priority: 0 },
      { id: 'a', priority: 10 },
    ]);
  });

  it('breaks ties, since evaluation would keep the first of equal priorities', () => {
    expect(
      reorder(
        [
          { id: 'a', priority: 5 },
          { id: 'b', priority: 5 },
        ],
        1,
        0,
      ),
    ).toEqual([
      { id: 'b', priority: 0 },
      { id: 'a', priority: 10 },
    ]);
  });

  it('does nothing for a move out of range or in place', () => {
    expect(reorder(list, 0, 0)).toEqual([]);
    expect(reorder(list, 0, 3)).toEqual([]);
    expect(reorder(list, -1, 0)).toEqual([]);
  });

  it('puts a new override last', () => {
    expect(nextPriority([])).toBe(0);
    expect(nextPriority(list)).toBe(30);
  });
});
