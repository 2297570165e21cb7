import type { Answer, Exchange, Meter } from './forwarding-proxy.ts';

/**
 * S3 requests of the real calls, in the two classes S3 bills: PUT, COPY, POST and LIST (tier 1),
 * GET and the rest (tier 2); and the bytes written, which stay stored. Calls pass unchanged.
 */
export interface S3Usage {
  tier1Requests: number;
  tier2Requests: number;
  bytesPut: number;
  /** by method and what was addressed (`PUT object`, `GET object`, `GET bucket`) */
  calls: Record<string, number>;
  failures: number;
}

export const emptyS3Usage = (): S3Usage => ({
  tier1Requests: 0,
  tier2Requests: 0,
  bytesPut: 0,
  calls: {},
  failures: 0,
});

export class S3Meter implements Meter {
  private usage = emptyS3Usage();

  take(): S3Usage {
    const taken = this.usage;
    this.usage = emptyS3Usage();
    return taken;
  }

  exchange(call: Exchange): { answer(answer: Answer): Answer } {
    const usage = this.usage;
    const url = new URL(call.path, 'http://s3.local');
    // path-style addressing: /<bucket>/<key>
    const addressed = url.pathname.split('/').filter(Boolean).length > 1 ? 'object' : 'bucket';
    const listing = call.method === 'GET' && addressed === 'bucket';
    const tier1 = ['PUT', 'POST', 'COPY'].includes(call.method) || listing;
    if (tier1) usage.tier1Requests++;
    else usage.tier2Requests++;
    if (call.method === 'PUT') usage.bytesPut += call.body.length;
    const key = `${call.method} ${addressed}`;
    usage.calls[key] = (usage.calls[key] ?? 0) + 1;
    return {
      answer: (answer) => {
        if (answer.status >= 400) usage.failures++;
        return answer;
      },
    };
  }
}
