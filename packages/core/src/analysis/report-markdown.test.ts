import { tradeSeries } from '../testing/make-trade';
import { computeMetrics } from './metrics';
import { type Report } from '../domain/report';
import { renderReportMarkdown } from './report-markdown';

const report: Report = {
  performance_overview: { summary: 'Net 120.00 over 3 trades.', key_metrics: ['Net P&L: 120.00', 'Win rate: 66.7%'] },
  behavioural_patterns: ['Revenge trading — 1 trade was opened within 60 minutes of a big loss.'],
  opportunities: ['Cut losers earlier.'],
  action_plan: [
    { title: 'Cut losers', detail: 'Exit at the stop.' },
    { title: 'Log stops', detail: 'Every trade.' },
  ],
};

const decodeImage = (markdown: string) => {
  const base64 = /!\[Equity curve\]\(data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)\)/.exec(markdown)?.[1];
  return base64 === undefined ? null : Buffer.from(base64, 'base64').toString('utf8');
};

describe('renderReportMarkdown', () => {
  const metrics = computeMetrics(tradeSeries([100, -30, 50]));

  it('renders the sections of the report in order, with the question and period under the title', () => {
    const options = { title: 'Weekly review', period: '2026-03-01 to 2026-03-07 (UTC)', prompt: 'How did I do?' };

    const markdown = renderReportMarkdown(report, metrics, options);

    expect(markdown.startsWith('# Weekly review\n\n**Period:** 2026-03-01 to 2026-03-07 (UTC)  \n**Question:** How did I do?\n\n')).toBe(true);
    const headings = markdown.split('\n').filter((line) => line.startsWith('## '));
    expect(headings).toEqual(['## Performance overview', '## Behavioural patterns', '## Opportunities', '## Action plan']);
    expect(markdown).toContain('Net 120.00 over 3 trades.\n\n- Net P&L: 120.00\n- Win rate: 66.7%');
    expect(markdown).toContain('- Revenge trading — 1 trade was opened within 60 minutes of a big loss.');
    expect(markdown).toContain('1. **Cut losers**: Exit at the stop.\n2. **Log stops**: Every trade.\n');
  });

  it('lists what voice notes and charts said, each with a link to its file, and only safe links', () => {
    const markdown = renderReportMarkdown(report, metrics, {
      audio_insights: [
        { file_id: 'a1', link: 'https://drive.google.com/file/d/a1/view', summary: 'Felt rushed', sentiment: 'negative', highlights: ['entered *before* the open'] },
      ],
      image_insights: [
        { file_id: 'i1', link: 'javascript:alert(1)', summary: 'Entry into resistance', risks: ['stop under [support](x)'] },
      ],
    });

    const section = markdown.slice(markdown.indexOf('## Voice notes and charts'));
    expect(section).toContain('**Voice notes**\n\n- Felt rushed — mood: negative — highlights: entered \\*before\\* the open (<https://drive.google.com/file/d/a1/view>)');
    // A link that is not plain http(s) is not rendered as one; Markdown in model text stays text.
    expect(section).toContain('- Entry into resistance — risks: stop under \\[support\\](x) (file i1)');
    expect(section).not.toContain('javascript:');
    expect(renderReportMarkdown(report, metrics)).not.toContain('## Voice notes and charts');
  });

  it('embeds the equity curve as an SVG data URI: a polyline from 0 and a zero line', () => {
    const svg = decodeImage(renderReportMarkdown(report, metrics));

    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('<polyline');
    expect(svg).toContain('stroke-dasharray');
    expect(svg).not.toMatch(/<script|href=|<image|<foreignObject/);
    // Start at 0, then 100, 70, 120: four vertices.
    expect(/points="([^"]+)"/.exec(svg ?? '')?.[1]?.split(' ')).toHaveLength(4);
  });

  it('keeps text from the coach or the trader from becoming HTML or breaking the layout', () => {
    const hostile: Report = { ...report, opportunities: ['<script>alert(1)</script>\n## Injected heading'] };

    const markdown = renderReportMarkdown(hostile, metrics, { prompt: 'Why <img src=x onerror=alert(1)>?' });

    expect(markdown).not.toMatch(/<script|<img/);
    expect(markdown).toContain('- &lt;script&gt;alert(1)&lt;/script&gt; ## Injected heading');
    expect(markdown).toContain('**Question:** Why &lt;img src=x onerror=alert(1)&gt;?');
  });

  it('says there are no trades in range instead of drawing an empty curve', () => {
    const empty: Report = { ...report, behavioural_patterns: [], opportunities: [] };

    const markdown = renderReportMarkdown(empty, computeMetrics([]));

    expect(markdown).toContain('_No trades in range, so there is no equity curve._');
    expect(decodeImage(markdown)).toBeNull();
    expect(markdown).toContain('## Behavioural patterns\n\n_No behavioural pattern met its detection rule._');
  });
});

describe('untrusted text', () => {
  it('cannot turn the trader’s question into a link or a remote image', () => {
    const metrics = computeMetrics([]);
    const markdown = renderReportMarkdown(
      { performance_overview: { summary: 'ok', key_metrics: [] }, behavioural_patterns: [], opportunities: [], action_plan: [] },
      metrics,
      { prompt: 'see ![t](http://evil.example/p.png) and [x](http://evil.example) *now*' },
    );
    expect(markdown).toContain('**Question:** see \\!\\[t\\](http://evil.example/p.png) and \\[x\\](http://evil.example) \\*now\\*');
  });
});
