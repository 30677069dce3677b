import { describe, expect, it } from 'vitest';
import { classifyResult } from './shapes';

const deploy = {
  service: 'billing',
  environment: 'prod',
  fromVersion: '1.0.0',
  toVersion: '1.1.0',
  dryRun: false,
  outcome: 'succeeded',
  instances: 2,
  steps: [
    {
      name: 'validate',
      status: 'done',
      message: 'ok',
      startedAt: '2026-01-01T00:00:00Z',
      finishedAt: '2026-01-01T00:00:01Z',
    },
  ],
};

describe('classifyResult', () => {
  it('recognises a deploy result, also from another tool name', () => {
    expect(classifyResult('deploy_service', deploy).kind).toBe('deploy');
    expect(classifyResult('rollout', deploy).kind).toBe('deploy');
  });

  it('falls back to the generic view for missing or unexpected shapes', () => {
    expect(classifyResult('deploy_service', undefined).kind).toBe('generic');
    expect(classifyResult('deploy_service', { ...deploy, steps: 'none' }).kind).toBe('generic');
    expect(classifyResult('analyze_csv', { rows: 3 }).kind).toBe('generic');
  });

  it('recognises search results with highlight ranges', () => {
    const search = {
      query: 'x',
      total: 1,
      results: [{ title: 'T', path: 'p', snippet: { text: 'abc', highlights: [{ start: 0, end: 1 }] } }],
    };
    expect(classifyResult('search_documents', search).kind).toBe('search');
  });
});
