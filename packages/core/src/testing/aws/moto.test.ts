import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { createSqsClient } from '../../adapters/aws/sqs-client';
import { findMoto, isSkipped, startMoto } from './moto';

const available = findMoto({ ci: false });

describe('startMoto', () => {
  it('skips with the reason when the executable is missing', async () => {
    const result = await startMoto({ command: 'no-such-moto-server', ci: false });

    expect(result).toEqual({ skipped: expect.stringContaining('moto_server is not installed') });
  });

  it('fails instead of skipping on CI', async () => {
    await expect(startMoto({ command: 'no-such-moto-server', ci: true })).rejects.toThrow(/CI=true/);
    expect(() => findMoto({ command: '/nowhere/moto_server', ci: true })).toThrow(/CI=true/);
  });

  // The one test that needs moto itself; the lines above hold wherever the suite runs.
  (isSkipped(available) ? it.skip : it)('starts a server that answers on loopback, and close() stops it for good', async () => {
    const moto = await startMoto({ ci: false });
    if (isSkipped(moto)) throw new Error(moto.skipped);
    const sqs = createSqsClient(moto);
    try {
      expect(moto.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      await expect(sqs.send(new ListQueuesCommand({}))).resolves.toBeDefined();

      await moto.close();
      await moto.close(); // twice is harmless

      await expect(fetch(`${moto.endpoint}/moto-api/`)).rejects.toThrow();
      expect(() => process.kill(-moto.pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    } finally {
      sqs.destroy();
      await moto.close();
    }
  }, 30_000);
});
