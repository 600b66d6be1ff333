import { describe, expect, it } from 'vitest';
import { filterFromSearch } from './filter.js';

describe('the audit filter in the address', () => {
  it('keeps what the API accepts and turns local times into instants', () => {
    const filter = filterFromSearch(
      new URLSearchParams(
        'resource_type=feature_state&environment_id=e1&actor_kind=user&actor_id=u1&from=2030-01-31T09:00',
      ),
    );
    expect(filter).toEqual({
      resource_type: 'feature_state',
      environment_id: 'e1',
      actor_kind: 'user',
      actor_id: 'u1',
      from: new Date(2030, 0, 31, 9, 0).toISOString(),
    });
  });

  it('keeps the resource types the teams work added (people, members, change requests, schedules)', () => {
    for (const type of ['user', 'invitation', 'project_member', 'change_request', 'scheduled_change'])
      expect(filterFromSearch(new URLSearchParams(`resource_type=${type}`))).toEqual({ resource_type: type });
  });

  it('drops unknown types, bad times and empty values instead of sending a bad request', () => {
    expect(
      filterFromSearch(
        new URLSearchParams('resource_type=nonsense&actor_kind=robot&from=yesterday&to=&actor_id='),
      ),
    ).toEqual({});
  });
});
