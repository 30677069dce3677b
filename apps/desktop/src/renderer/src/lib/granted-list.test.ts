import { describe, expect, it } from 'vitest';
import { grantedList } from './granted-list';

const folders = [
  { path: '/data/samples', label: "Taskdeck's samples", granted: true },
  { path: '/data/uploads', label: 'Uploaded files', granted: false },
];

describe('grantedList', () => {
  it('names the app’s own folders, groups uploads by file name, and lists the user’s grants by path', () => {
    const list = grantedList(
      [
        '/home/me/src/app',
        '/data/uploads/a1/orders.csv',
        '/data/uploads/b2/sales.csv',
        '/data/uploadsX/other.csv',
      ],
      folders,
    );
    expect(list.appFolders).toEqual([folders[0]]);
    expect(list.groups).toEqual([
      {
        items: [
          { path: '/home/me/src/app', name: '/home/me/src/app' },
          { path: '/data/uploadsX/other.csv', name: '/data/uploadsX/other.csv' },
        ],
      },
      {
        label: 'Uploaded files (2)',
        items: [
          { path: '/data/uploads/a1/orders.csv', name: 'orders.csv' },
          { path: '/data/uploads/b2/sales.csv', name: 'sales.csv' },
        ],
      },
    ]);
  });

  it('has no groups when nothing is granted, and works without app folders (an older hub)', () => {
    expect(grantedList([], folders).groups).toEqual([]);
    expect(grantedList(['C:\\data\\x.csv'], []).groups).toEqual([
      { items: [{ path: 'C:\\data\\x.csv', name: 'C:\\data\\x.csv' }] },
    ]);
  });
});
