import { describe } from 'vitest';
import { changeBusCases } from './change-bus.case.js';
import { InProcessChangeBus } from './change-bus.js';

describe('InProcessChangeBus', () => {
  changeBusCases(async () => new InProcessChangeBus());
});
