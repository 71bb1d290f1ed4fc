import { parseDuration, normalizeRecordName } from '../../lib/domain/silences';

describe('parseDuration: the forms `--for` accepts', () => {
  it.each([
    ['30m', 1_800],
    ['2h', 7_200],
    ['1d', 86_400],
    ['90s', 90],
    ['1h30m', 5_400],
    [' 2H ', 7_200],
  ])('%s → %i seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each(['', '2', '2 hours', 'h2', '1.5h', '0m', '-1h', '2w'])('%j is not a duration', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('normalizeRecordName: how a person types a record name', () => {
  it.each([
    ['app.example.com.', 'app.example.com'],
    ['App.Example.COM', 'app.example.com'],
    [' app.example.com ', 'app.example.com'],
  ])('%j → %j', (raw, normalized) => {
    expect(normalizeRecordName(raw)).toBe(normalized);
  });
});
