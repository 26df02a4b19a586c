import * as fs from 'fs';
import * as path from 'path';
import { generators, loadData, markdownFiles, regenerate } from '../../scripts/docs';

/* Every table in docs/ is made from its JSON data by scripts/docs.ts (`npm run docs`). */
describe('docs tables are generated from their data', () => {
  const data = loadData();
  const files = markdownFiles();

  test.each(files.map((f) => path.basename(f)))('%s is up to date with the JSON beside it (run `npm run docs`)', (name) => {
    const text = fs.readFileSync(files.find((f) => path.basename(f) === name) as string, 'utf8');
    expect(regenerate(text, data)).toBe(text);
  });

  test('every generator has a region in some document, and no region is unknown', () => {
    const all = files.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
    const used = [...all.matchAll(/<!-- generated:([a-z-]+) -->/g)].map((m) => m[1]);
    expect([...new Set(used)].sort()).toEqual(Object.keys(generators).sort());
  });

  test('a region whose table was edited by hand is found', () => {
    const edited = '<!-- generated:targets -->\n| edited |\n<!-- /generated:targets -->';
    expect(regenerate(edited, data)).not.toBe(edited);
  });
});
