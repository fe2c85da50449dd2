/** Reading counters from a server's /metrics text: by name and labels, not by prefix. */
import { describe, expect, it } from 'vitest';
import { sumMetric } from './server-metrics.ts';

const TEXT = `# HELP fairplay_draw_records_total Draw records journaled, by game and type
# TYPE fairplay_draw_records_total counter
fairplay_draw_records_total{game="dice",type="receipt"} 12
fairplay_draw_records_total{game="dice",type="outcome"} 11
fairplay_draw_records_total{game="raid",type="outcome"} 4
fairplay_draw_records_total_extra 100
fairplay_awards_minted_total 3`;

describe('server-metrics', () => {
  it('sums the samples of one metric whose labels match', () => {
    expect(sumMetric(TEXT, 'fairplay_draw_records_total', { type: 'outcome' })).toBe(15);
    expect(sumMetric(TEXT, 'fairplay_draw_records_total', { game: 'dice', type: 'outcome' })).toBe(11);
    expect(sumMetric(TEXT, 'fairplay_draw_records_total')).toBe(27);
    expect(sumMetric(TEXT, 'fairplay_awards_minted_total')).toBe(3);
    expect(sumMetric(TEXT, 'fairplay_nothing')).toBe(0);
  });
});
