import { describe, expect, it } from 'vitest';
import type { ApiResult } from '../../../app/common/api';
import { bridgeApiCall } from '../../../app/main/api-bridge';

describe('main: an API call from a window', () => {
  const forwarded: [string, unknown][] = [];
  const forward = async (name: string, args: unknown): Promise<ApiResult<unknown>> => {
    forwarded.push([name, args]);
    return { ok: true, value: 'done' };
  };

  it("is refused from anything but the app's own pages", async () => {
    for (const sender of ['https://evil.example/', 'file:///tmp/x.html', undefined]) {
      const r = await bridgeApiCall(sender, 'app.info', {}, forward);
      expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect(forwarded).toEqual([]);
  });

  it('is refused when the call is unknown or its arguments fail their schema, naming the field', async () => {
    expect(await bridgeApiCall('app://reclab/index.html', 'fs.readFile', {}, forward)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CALL' } });
    const bad = await bridgeApiCall('app://reclab/index.html', 'runs.cancel', { runId: 'not hex!' }, forward);
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', field: 'runId' } });
    const extra = await bridgeApiCall('app://reclab/index.html', 'app.info', { shell: 'rm -rf /' }, forward);
    expect(extra).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', field: 'shell' } });
    expect(forwarded).toEqual([]);
  });

  it('goes to the host when sender and arguments are right', async () => {
    expect(await bridgeApiCall('app://reclab/index.html', 'runs.cancel', { runId: '0123456789abcdef' }, forward)).toEqual({ ok: true, value: 'done' });
    expect(forwarded).toEqual([['runs.cancel', { runId: '0123456789abcdef' }]]);
  });
});
