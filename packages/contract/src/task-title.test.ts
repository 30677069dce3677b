import { describe, expect, it } from 'vitest';
import { humanize, taskTitle } from './task-title';

const schema = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'object',
  properties,
  required,
});

describe('taskTitle', () => {
  it('names the object of the bundled tools the way a person would', () => {
    const deploy = {
      name: 'deploy_service',
      title: 'Deploy service',
      inputSchema: schema(
        {
          serviceName: { type: 'string' },
          version: { type: 'string' },
          environment: { type: 'string', enum: ['dev', 'staging', 'prod'] },
          dryRun: { type: 'boolean' },
        },
        ['serviceName', 'version', 'environment'],
      ),
    };
    expect(
      taskTitle(deploy, { serviceName: 'billing', version: '3.1.0', environment: 'staging', dryRun: false }),
    ).toBe('Deploy billing 3.1.0 → staging');
    const profile = {
      name: 'analyze_csv',
      title: 'Profile a CSV file',
      inputSchema: schema({ filePath: { type: 'string' }, sampleRows: { type: 'integer' } }, ['filePath']),
    };
    expect(taskTitle(profile, { filePath: '/home/me/data/orders.csv', sampleRows: 10 }, '/home/me')).toBe(
      'Profile orders.csv',
    );
    const scan = { name: 'scan_project', title: 'Scan project folder' };
    expect(taskTitle(scan, { directory: '/home/me/src/app/' }, '/home/me')).toBe('Scan ~/src/app');
    const search = { name: 'search_documents', title: 'Search documents' };
    expect(taskTitle(search, { query: 'cancel  a task' })).toBe('Search ‘cancel a task’');
  });

  it('keeps the whole title when no string names an object, qualified by a chosen option', () => {
    const generate = {
      name: 'generate_sample_data',
      title: 'Generate sample data',
      inputSchema: schema({
        format: { type: 'string', enum: ['csv', 'json'] },
        recordCount: { type: 'integer' },
      }),
    };
    expect(taskTitle(generate, { format: 'csv', recordCount: 2000 })).toBe('Generate sample data (csv)');
    expect(taskTitle({ name: 'list_services' }, {})).toBe('List services');
    expect(taskTitle({ name: 'getWeather' }, { days: 3, metric: true, where: { lat: 1 } })).toBe(
      'Get weather',
    );
  });

  it('takes at most two objects, cuts long values and shortens deep folders', () => {
    const tool = { name: 'copy', title: 'Copy files' };
    expect(taskTitle(tool, { from: 'a', to: 'b', also: 'c' })).toBe('Copy a b');
    const long = 'x'.repeat(100);
    expect(taskTitle(tool, { note: long })).toBe(`Copy ${'x'.repeat(39)}…`);
    expect(taskTitle(tool, { dir: '/very/long/path/that/goes/on/and/on/forever/project/src' })).toBe(
      'Copy …/project/src',
    );
    expect(taskTitle(tool, { file: 'C:\\Users\\me\\report.xlsx' })).toBe('Copy report.xlsx');
    expect(taskTitle(tool, { dir: '/home/me' }, '/home/me')).toBe('Copy ~');
  });

  it('falls back to the tool name in words and skips blank strings', () => {
    expect(taskTitle({ name: 'scale_service', title: '  ' }, { serviceName: ' ' })).toBe('Scale service');
    expect(humanize('max_files')).toBe('Max files');
    expect(humanize('deployService')).toBe('Deploy service');
  });
});
