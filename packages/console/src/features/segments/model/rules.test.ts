import { describe, expect, it } from 'vitest';
import type { SegmentRuleInput } from '../../../lib/api-types.js';
import {
  checkRules,
  edit,
  fromApi,
  MAX_CONDITIONS,
  MAX_RULE_DEPTH,
  newRule,
  OPERATORS,
  type RuleDraft,
  toApi,
} from './rules.js';

const apiRules: SegmentRuleInput[] = [
  {
    type: 'ALL',
    conditions: [{ property: 'plan', operator: 'EQUAL', value: 'pro' }],
    rules: [
      {
        type: 'ANY',
        conditions: [
          { property: 'country', operator: 'IN', value: ['FR', 'DE, AT'] },
          { property: 'email', operator: 'IS_SET', value: null },
        ],
        rules: [
          { type: 'NONE', conditions: [{ property: 'age', operator: 'LESS_THAN', value: '18' }], rules: [] },
        ],
      },
    ],
  },
];

describe('rule builder model', () => {
  it('offers every operator the API takes', () => {
    expect(OPERATORS.map((o) => o.operator).sort()).toEqual(
      [
        'EQUAL',
        'NOT_EQUAL',
        'GREATER_THAN',
        'GREATER_THAN_INCLUSIVE',
        'LESS_THAN',
        'LESS_THAN_INCLUSIVE',
        'CONTAINS',
        'NOT_CONTAINS',
        'REGEX',
        'MODULO',
        'IN',
        'IS_SET',
        'IS_NOT_SET',
        'PERCENTAGE_SPLIT',
      ].sort(),
    );
  });

  it('round-trips nested ALL / ANY / NONE rules; IN lists keep values with commas', () => {
    expect(toApi(fromApi(apiRules))).toEqual(apiRules);
  });

  it('edits the tree without changing the drafts it was given', () => {
    const drafts = fromApi(apiRules);
    const before = JSON.stringify(drafts);
    const nested = drafts[0].rules[0];
    let next = edit.updateRule(drafts, nested.id, { type: 'NONE' });
    next = edit.addCondition(next, nested.id);
    next = edit.addRule(next, nested.id, 'ALL');
    next = edit.addRule(next, null);
    expect(JSON.stringify(drafts)).toBe(before);
    expect(next[0].rules[0].type).toBe('NONE');
    expect(next[0].rules[0].conditions).toHaveLength(3);
    expect(next[0].rules[0].rules.map((r) => r.type)).toEqual(['NONE', 'ALL']);
    expect(next).toHaveLength(2);

    const condition = next[0].conditions[0];
    next = edit.updateCondition(next, condition.id, { operator: 'IS_NOT_SET' });
    expect(toApi(next)[0].conditions?.[0]).toEqual({ property: 'plan', operator: 'IS_NOT_SET', value: null });
    next = edit.removeCondition(next, condition.id);
    expect(next[0].conditions).toEqual([]);
    next = edit.removeRule(next, next[0].rules[0].rules[1].id);
    expect(next[0].rules[0].rules).toHaveLength(1);
  });

  it('finds what the server would refuse, naming the condition', () => {
    const drafts = fromApi([
      {
        type: 'ALL',
        conditions: [
          { property: '', operator: 'EQUAL', value: 'x' },
          { property: 'n', operator: 'MODULO', value: '0|1' },
          { property: '', operator: 'PERCENTAGE_SPLIT', value: '101' },
          { property: 'e', operator: 'REGEX', value: '(a)\\1' },
          { property: 'ok', operator: 'REGEX', value: '^[a-z]+@example\\.com$' },
          { property: '', operator: 'PERCENTAGE_SPLIT', value: '12.5' },
        ],
      },
    ]);
    const problems = checkRules(drafts);
    const ids = drafts[0].conditions.map((c) => c.id);
    expect(problems.map((p) => p.id)).toEqual([ids[0], ids[1], ids[2], ids[3]]);
    expect(problems[0].message).toContain('needs a property');
    expect(problems[1].message).toContain('divisor other than 0');
    expect(problems[2].message).toContain('0 to 100');
    expect(problems[3].message).toContain('RE2');
  });

  it('limits nesting depth and the number of conditions as the server does', () => {
    let deep: RuleDraft[] = [newRule()];
    let parent = deep[0].id;
    for (let depth = 1; depth <= MAX_RULE_DEPTH; depth++) {
      deep = edit.addRule(deep, parent);
      let node = deep[0];
      while (node.rules.length > 0) node = node.rules[0];
      parent = node.id;
    }
    // New rules start with an empty condition (needs a property); only the depth is at issue here.
    const nesting = checkRules(deep).filter((p) => !p.message.includes('needs a property'));
    expect(nesting.map((p) => p.message)).toEqual([`Rules may be nested at most ${MAX_RULE_DEPTH} deep.`]);

    let wide: RuleDraft[] = [newRule()];
    for (let i = 0; i < MAX_CONDITIONS; i++) wide = edit.addCondition(wide, wide[0].id);
    for (const c of wide[0].conditions) wide = edit.updateCondition(wide, c.id, { property: 'p' });
    expect(checkRules(wide)).toEqual([
      { id: 'segment', message: expect.stringContaining(`at most ${MAX_CONDITIONS}`) },
    ]);
  });
});
