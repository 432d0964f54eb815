import { html, join, link, safeHref } from './html';

describe('html', () => {
  it('escapes interpolated text, in content and in attributes, and keeps fragments it built', () => {
    const inner = html`<b>${'<i>'}</b>`;

    const out = html`<p title="${`"'&`}">${inner}${['<x>', html`<br>`]}${false}${null}${undefined}</p>`;

    expect(out.value).toBe('<p title="&quot;&apos;&amp;"><b>&lt;i&gt;</b>&lt;x&gt;<br></p>');
    expect(join(['a<', html`<hr>`]).value).toBe('a&lt;<hr>');
  });
});

describe('safeHref', () => {
  it.each([
    'https://drive.google.com/file/d/abc/view?usp=drivesdk',
    'http://example.com',
    'HTTPS://Example.com/a#b',
    '/api/media/abc-123',
    '/api/shared/tok/media/abc?download=1',
  ])('keeps %s', (href) => {
    expect(safeHref(href)).toBe(href);
  });

  it.each([
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    ' https://example.com',
    'https://example.com/a b',
    'https://example.com/"onmouseover="x',
    'https://',
    'https:///path',
    'https://exa\u0000mple.com',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox',
    '//evil.example/x',
    '/api/../admin',
    '/api/%2e%2e/admin',
    '/apix/media',
    'api/media/x',
    '/api\\..\\admin',
    'mailto:a@b.c',
    '',
  ])('refuses %j', (href) => {
    expect(safeHref(href)).toBeUndefined();
  });
});

describe('link', () => {
  it('opens a safe address without a referrer, and shows any other one as text', () => {
    expect(link('https://example.com/?a=1&b=2', 'Source').value).toBe(
      '<a href="https://example.com/?a=1&amp;b=2" rel="noopener noreferrer">Source</a>',
    );
    expect(link('javascript:alert(1)', 'Source').value).toBe('Source <span class="unlinked">(javascript:alert(1))</span>');
    expect(link(undefined, '<Source>').value).toBe('&lt;Source&gt;');
  });
});
