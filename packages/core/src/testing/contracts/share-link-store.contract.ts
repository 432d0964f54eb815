// The ShareLinkStore port's promises as one suite, run by each adapter's test file against its own storage.
import type { ShareLinkStore } from '../../ports/share-link-store.port';
import { describeContract, type StoreSubject } from './contract-suite';
import { shareId, shareLink as link } from './records';

export interface ShareLinkStoreSubject extends StoreSubject<ShareLinkStore> {
  /** Every record the store wrote (rows or items), read around it: a refused link leaves none. */
  rawRecords(): Promise<unknown[]>;
}

const REVOKED_AT = '2026-03-02T09:00:00.000Z';
const LATER = '2026-03-03T09:00:00.000Z';

export function describeShareLinkStoreContract(name: string, open: () => Promise<ShareLinkStoreSubject>): void {
  describeContract(name, open, {}, (subject) => {
    it('stores a link and reads it back as it was given, by its job and id only', async () => {
      const { store } = subject();
      const first = link('first', 'job-1', 'alice');
      const revoked = link('revoked', 'job-1', 'alice', { revoked_at: REVOKED_AT });

      await store.create(first);
      await store.create(revoked);

      expect(await store.get('job-1', first.share_id)).toEqual(first);
      expect(await store.get('job-1', revoked.share_id)).toEqual(revoked);
      expect(await store.get('job-2', first.share_id)).toBeNull();
      expect(await store.get('job-1', shareId('unknown'))).toBeNull();
    });

    it('refuses a second link with the same id and keeps the first', async () => {
      const { store, rawRecords } = subject();
      const first = link('same', 'job-1', 'alice');
      await store.create(first);

      await expect(store.create({ ...first, expires_at: '2026-03-30T10:00:00.000Z' })).rejects.toMatchObject({ code: 'SHARE.ALREADY_EXISTS', status: 409 });

      expect(await store.get('job-1', first.share_id)).toEqual(first);
      expect(await rawRecords()).toHaveLength(1);
    });

    it.each([
      ['an empty job id', { job_id: '' }, 'job_id'],
      ['an empty owner', { owner: '' }, 'owner'],
      ['a share id that is not 22 URL-safe characters', { share_id: 'short' }, 'share_id'],
      ['an expiry that is not an ISO timestamp', { expires_at: 'next week' }, 'expires_at'],
      ['a creation time with an offset', { created_at: '2026-03-01T11:00:00+01:00' }, 'created_at'],
    ])('refuses a link with %s and writes nothing', async (_label, overrides, field) => {
      const { store, rawRecords } = subject();

      await expect(store.create(link('bad', 'job-1', 'alice', overrides))).rejects.toMatchObject({ code: 'SHARE.INVALID', status: 400, details: { field } });

      expect(await rawRecords()).toEqual([]);
    });

    it('lists the owner’s links of one job, newest first, revoked ones included', async () => {
      const { store } = subject();
      const older = link('older', 'job-1', 'alice', { created_at: '2026-03-01T09:00:00.000Z' });
      const newer = link('newer', 'job-1', 'alice', { created_at: '2026-03-01T11:00:00.000Z', revoked_at: REVOKED_AT });
      const middle = link('middle', 'job-1', 'alice');
      for (const each of [middle, older, newer]) await store.create(each);
      await store.create(link('other-job', 'job-2', 'alice'));
      await store.create(link('other-owner', 'job-1', 'mallory'));

      expect(await store.listForJob('alice', 'job-1')).toEqual([newer, middle, older]);
      expect(await store.listForJob('alice', 'job-3')).toEqual([]);
      expect(await store.listForJob('bob', 'job-1')).toEqual([]);
    });

    it('revokes one link, keeping its first revocation time, and leaves the others open', async () => {
      const { store } = subject();
      const target = link('target', 'job-1', 'alice');
      const sibling = link('sibling', 'job-1', 'alice');
      await store.create(target);
      await store.create(sibling);

      expect(await store.revoke('alice', 'job-1', target.share_id, REVOKED_AT)).toBe(true);
      expect(await store.revoke('alice', 'job-1', target.share_id, LATER)).toBe(true);

      expect(await store.get('job-1', target.share_id)).toEqual({ ...target, revoked_at: REVOKED_AT });
      expect(await store.get('job-1', sibling.share_id)).toEqual(sibling);
    });

    it('revokes nothing for an unknown link, another job’s or another owner’s', async () => {
      const { store } = subject();
      const target = link('target', 'job-1', 'alice');
      await store.create(target);

      expect(await store.revoke('alice', 'job-1', shareId('unknown'), REVOKED_AT)).toBe(false);
      expect(await store.revoke('alice', 'job-2', target.share_id, REVOKED_AT)).toBe(false);
      expect(await store.revoke('mallory', 'job-1', target.share_id, REVOKED_AT)).toBe(false);

      expect(await store.get('job-1', target.share_id)).toEqual(target);
      expect(await store.listForJob('alice', 'job-2')).toEqual([]);
    });

    it('revokes every open link of one job of the owner, and counts them', async () => {
      const { store } = subject();
      const open = [link('a', 'job-1', 'alice'), link('b', 'job-1', 'alice'), link('c', 'job-1', 'alice')];
      const earlier = link('earlier', 'job-1', 'alice', { revoked_at: REVOKED_AT });
      const otherJob = link('other-job', 'job-2', 'alice');
      const otherOwner = link('other-owner', 'job-1', 'mallory');
      for (const each of [...open, earlier, otherJob, otherOwner]) await store.create(each);

      expect(await store.revokeAll('alice', 'job-1', LATER)).toBe(3);
      expect(await store.revokeAll('alice', 'job-1', LATER)).toBe(0);

      for (const each of open) expect(await store.get('job-1', each.share_id)).toEqual({ ...each, revoked_at: LATER });
      expect(await store.get('job-1', earlier.share_id)).toEqual(earlier);
      expect(await store.get('job-2', otherJob.share_id)).toEqual(otherJob);
      expect(await store.get('job-1', otherOwner.share_id)).toEqual(otherOwner);
    });

    it('keeps every one of many links created at once', async () => {
      const { store } = subject();
      const links = Array.from({ length: 25 }, (_, i) => link(`many-${i}`, 'job-1', 'alice', { created_at: `2026-03-01T10:00:${String(i).padStart(2, '0')}.000Z` }));

      await Promise.all(links.map((each) => store.create(each)));

      expect(await store.listForJob('alice', 'job-1')).toEqual([...links].reverse());
      expect(await store.revokeAll('alice', 'job-1', LATER)).toBe(25);
    });
  });
}
