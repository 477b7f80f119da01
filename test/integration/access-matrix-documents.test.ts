/**
 * Access matrix of the documents routes (contract "Documents", D13; issue 11): every route of the
 * `documents` group × thirteen callers → the exact status. 401 without a token; 403 for a role the
 * route does not allow (before visibility); 404 for a case the caller may not see; the 2xx otherwise.
 * Every 4xx is application/problem+json with a matching `status`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PROVINCE_ROLES, ROUTES, routeKey, type StaffRole } from '../../manifest/index.ts';
import { CALLERS, type Caller, matrix, OTHER_PROVINCE, readers } from './case-callers.ts';
import { useCaseStack } from './cases-stack.ts';
import { openedCase, PROVINCE, registerWorker, SAMPLE_PDF, setUpWorld, type World } from './cases-fixtures.ts';

const env = useCaseStack({ s3: true });
const tokens = {} as Record<Caller, string | undefined>;
let world: World;
let caseId: string;
let available: string; // a document uploaded by the platform and checked AVAILABLE

beforeAll(async () => {
  world = env.world;
  const opened = await openedCase(world, { documents: 'none' });
  caseId = opened.caseId;
  const [otherWorker, otherPlatform] = await Promise.all([registerWorker(world), setUpWorld(world.api, world.mint)]);
  Object.assign(tokens, {
    none: undefined,
    platformOwn: world.tokens.platform,
    platformOther: otherPlatform.tokens.platform,
    workerOwn: opened.worker.token,
    workerOther: otherWorker.token,
  });
  for (const role of PROVINCE_ROLES) {
    tokens[role] = await world.mint({ role, sub: `${role}-1`, provinces: [PROVINCE] });
    tokens[`${role}Other`] = await world.mint({ role, sub: `${role}-sh`, provinces: [OTHER_PROVINCE] });
  }
  available = (await ticket('platformOwn', 'ID_PROOF')).documentId;
  const put = await fetch(uploads.get(available)!.url, { method: 'PUT', headers: uploads.get(available)!.headers, body: SAMPLE_PDF });
  expect(put.status).toBe(200);
  await availableSoon(available);
}, 120_000);

/** Waits until the check after upload has made the document AVAILABLE. */
async function availableSoon(documentId: string) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const status = (await env.stack.api('GET', `/v1/cases/${caseId}/documents/${documentId}`, { token: tokens.handler! })).body.status;
    if (status === 'AVAILABLE') return;
    if (status !== 'UPLOADING' || Date.now() > deadline) throw new Error(`document ${documentId}: ${status}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const uploads = new Map<string, { url: string; headers: Record<string, string> }>();
/** A fresh UPLOADING document of `type` requested by `caller` (a handler for callers who may not upload). */
async function ticket(caller: Caller, type = 'OTHER') {
  const uploader = ['workerOwn', 'platformOwn', 'handler'].includes(caller) ? caller : 'handler';
  const res = await env.stack.api('POST', `/v1/cases/${caseId}/documents`, {
    token: tokens[uploader]!,
    body: { type, fileName: 'scan.pdf', contentType: 'application/pdf', sizeBytes: SAMPLE_PDF.length },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  uploads.set(res.body.documentId, res.body.upload);
  return res.body as { documentId: string };
}

/** Whoever may read the case; finance (D15: no case role) is refused by role before any visibility check. */
const documentReaders = { ...readers(200), finance: 403, financeOther: 403 };

/** The worker, the platform and a handler of the province; other staff roles 403 before visibility. */
const uploaders = (status: number) =>
  matrix(403, { handler: status, handlerOther: 404, platformOwn: status, platformOther: 404, workerOwn: status, workerOther: 404 });

interface Row {
  readonly request: (caller: Caller) => Promise<{ path: string; body?: unknown; headers?: Record<string, string> }>;
  readonly expected: Record<Caller, number>;
}
const ROWS: Record<string, Row> = {
  'POST /v1/cases/{caseId}/documents': {
    request: async () => ({
      path: `/v1/cases/${caseId}/documents`,
      body: { type: 'OTHER', fileName: 'a.pdf', contentType: 'application/pdf', sizeBytes: 100 },
    }),
    expected: uploaders(201),
  },
  'GET /v1/cases/{caseId}/documents': { request: async () => ({ path: `/v1/cases/${caseId}/documents` }), expected: documentReaders },
  'GET /v1/cases/{caseId}/documents/{documentId}': { request: async () => ({ path: `/v1/cases/${caseId}/documents/${available}` }), expected: documentReaders },
  'GET /v1/cases/{caseId}/documents/{documentId}/content': {
    request: async () => ({ path: `/v1/cases/${caseId}/documents/${available}/content`, headers: { accept: 'application/json' } }),
    expected: documentReaders,
  },
  'POST /v1/cases/{caseId}/documents/{documentId}/withdrawal': {
    // Each caller withdraws a document of its own (the uploader, or a handler for any).
    request: async (c) => ({ path: `/v1/cases/${caseId}/documents/${(await ticket(c)).documentId}/withdrawal`, body: { reason: '传错了' } }),
    expected: uploaders(200),
  },
  'POST /v1/cases/{caseId}/document-waivers': {
    request: async () => ({ path: `/v1/cases/${caseId}/document-waivers`, body: { type: 'ACCIDENT_STATEMENT', reason: '纸质原件已核验' } }),
    expected: matrix(403, { handler: 201, handlerOther: 404 }),
  },
};

const documentRoutes = ROUTES.filter((r) => r.fn === 'documents');

describe('access matrix of the documents routes', () => {
  it('covers every route of the documents group, and nothing else', () => {
    expect(Object.keys(ROWS).sort()).toEqual(documentRoutes.map(routeKey).sort());
  });

  for (const route of documentRoutes) {
    const key = routeKey(route);
    it(`${key}: ${CALLERS.length} callers get the contract's status`, async () => {
      const mismatches: string[] = [];
      for (const caller of CALLERS) {
        const { path, body, headers } = await ROWS[key]!.request(caller);
        const token = tokens[caller];
        const res = await env.stack.api(route.method, path, {
          ...(token ? { token } : {}),
          ...(body !== undefined ? { body } : {}),
          ...(headers ? { headers } : {}),
        });
        const expected = ROWS[key]!.expected[caller];
        if (res.status !== expected) mismatches.push(`${caller}: expected ${expected}, got ${res.status} ${res.text.slice(0, 160)}`);
        if (res.status >= 400 && (!String(res.headers.get('content-type')).startsWith('application/problem+json') || res.body?.status !== res.status)) {
          mismatches.push(`${caller}: ${res.status} is not a matching problem+json`);
        }
      }
      expect(mismatches, `${key}\n  ${mismatches.join('\n  ')}`).toEqual([]);
    });
  }

  it('lets a platform download only what it uploaded (403 for a handler upload it can list)', async () => {
    const byHandler = await ticket('handler', 'MEDICAL_DIAGNOSIS');
    const put = await fetch(uploads.get(byHandler.documentId)!.url, { method: 'PUT', headers: uploads.get(byHandler.documentId)!.headers, body: SAMPLE_PDF });
    expect(put.status).toBe(200);
    await availableSoon(byHandler.documentId);
    const res = await env.stack.api('GET', `/v1/cases/${caseId}/documents/${byHandler.documentId}/content`, { token: tokens.platformOwn! });
    expect(res.status).toBe(403);
    const staffRole: StaffRole = 'reviewer';
    expect((await env.stack.api('GET', `/v1/cases/${caseId}/documents/${byHandler.documentId}/content`, { token: tokens[staffRole]! })).status).toBe(302);
  });
});
