import { describe, expect, it } from 'vitest';
import { compareSemver, parseSemver, type SemVer, semverComparer } from './semver.js';

describe('semverComparer', () => {
  // Texts on both sides of the plain MAJOR.MINOR.PATCH shortcut, and versions with and without
  // a prerelease or build, so ties are decided by the prerelease as a full comparison would.
  const texts = ['1.2.3', '1.2.4', '1.10.0', '0.0.0', '2.0.0', '1.2.3-beta', '1.2.3+build', '1.2.3\n'];
  texts.push('01.2.3', '1.02.3', '1.2', '1.2.3.4', '1..3', '.1.2', '1.2.', 'v1.2.3', ' 1.2.3', '');
  texts.push(
    '999999999999999.1.1',
    '9999999999999999.1.1',
    '99999999999999999999.0.0',
    '1.2.3-0',
    '0.0.0-rc.1',
  );
  const versions = [
    '1.2.3',
    '1.2.3-beta',
    '1.2.3-alpha.1',
    '1.2.3+build',
    '0.0.0',
    '1.10.0',
    '999999999999999.1.1',
  ];

  it('orders every text as a full parse and comparison would', () => {
    for (const versionText of versions) {
      const version = parseSemver(versionText) as SemVer;
      const compare = semverComparer(version);
      for (const text of texts) {
        const actual = parseSemver(text);
        const expected = actual === undefined ? undefined : Math.sign(compareSemver(actual, version));
        const order = compare(text);
        expect(order === undefined ? undefined : Math.sign(order), `${text} vs ${versionText}`).toBe(
          expected,
        );
      }
    }
  });
});
