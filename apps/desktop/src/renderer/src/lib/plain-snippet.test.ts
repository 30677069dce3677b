import { describe, expect, it } from 'vitest';
import { plainSnippet } from './plain-snippet';

/** The highlighted words of a result. */
const marked = (result: ReturnType<typeof plainSnippet>) =>
  result.highlights.map((range) => result.text.slice(range.start, range.end));

function highlight(text: string, words: string[]) {
  return words.map((word) => {
    const start = text.indexOf(word);
    return { start, end: start + word.length };
  });
}

describe('plainSnippet', () => {
  it('drops headings, code fences, emphasis and link syntax, keeping the highlights on their words', () => {
    const text =
      '…tasks. ## Cancel did not work Run `tasks/cancel` on a **running** task, see [the guide](docs/x.md) now…';
    const result = plainSnippet(text, highlight(text, ['Cancel', 'tasks/cancel', 'running', 'guide']));
    expect(result.text).toBe(
      '…tasks. Cancel did not work Run tasks/cancel on a running task, see the guide now…',
    );
    expect(marked(result)).toEqual(['Cancel', 'tasks/cancel', 'running', 'guide']);
  });

  it('moves a highlight that covers syntax onto the words alone', () => {
    const text = 'call `taskdeck cancel` now';
    const result = plainSnippet(text, [{ start: 5, end: 22 }]);
    expect(result.text).toBe('call taskdeck cancel now');
    expect(marked(result)).toEqual(['taskdeck cancel']);
  });

  it('leaves plain text, snake_case, hyphens and arithmetic alone, and ignores bad ranges', () => {
    const text = 'max_files - 2 * 3 > 4 #hashtag';
    const result = plainSnippet(text, [
      { start: 0, end: 9 },
      { start: 50, end: 60 },
      { start: 4, end: 2 },
    ]);
    expect(result.text).toBe(text);
    expect(marked(result)).toEqual(['max_files']);
  });

  it('turns table pipes into spaces', () => {
    expect(plainSnippet('| status | meaning |', []).text).toBe('  status   meaning  ');
  });
});
