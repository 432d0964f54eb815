import fc from 'fast-check';
import { decodeAttachmentCell, encodeAttachmentCell, fileIdFromLink, type AttachmentRef } from './attachment-links';

const ref = (overrides: Partial<AttachmentRef> = {}): AttachmentRef => ({
  file_id: '1AbCdEfGhIjKlMnOp',
  mime_type: 'image/png',
  link: 'https://drive.google.com/file/d/1AbCdEfGhIjKlMnOp/view?usp=sharing',
  ...overrides,
});

describe('attachment cell codec', () => {
  it('writes id|mime|link joined with "; "', () => {
    const cell = encodeAttachmentCell([ref(), ref({ file_id: 'abc123', mime_type: 'audio/mpeg', link: 'http://localhost:8000/api/media/abc123' })]);
    expect(cell).toBe(
      '1AbCdEfGhIjKlMnOp|image/png|https://drive.google.com/file/d/1AbCdEfGhIjKlMnOp/view?usp=sharing; abc123|audio/mpeg|http://localhost:8000/api/media/abc123',
    );
  });

  it('reads the earlier service formats: id|link, bare Drive links, "," separators', () => {
    const cell =
      '1AbCdEfGhIjKlMnOp|https://drive.google.com/file/d/1AbCdEfGhIjKlMnOp/view, https://drive.google.com/open?id=0BxYzYzYzYzYzYz;https://drive.google.com/uc?id=0CqRsTuVwXyZab&export=download';
    expect(decodeAttachmentCell(cell)).toEqual([
      { file_id: '1AbCdEfGhIjKlMnOp', mime_type: null, link: 'https://drive.google.com/file/d/1AbCdEfGhIjKlMnOp/view' },
      { file_id: '0BxYzYzYzYzYzYz', mime_type: null, link: 'https://drive.google.com/open?id=0BxYzYzYzYzYzYz' },
      { file_id: '0CqRsTuVwXyZab', mime_type: null, link: 'https://drive.google.com/uc?id=0CqRsTuVwXyZab&export=download' },
    ]);
  });

  it('skips pieces it cannot read and empty cells', () => {
    expect(decodeAttachmentCell('')).toEqual([]);
    expect(decodeAttachmentCell(undefined)).toEqual([]);
    expect(decodeAttachmentCell('not a link; ;  ')).toEqual([]);
  });

  it('finds file ids in links', () => {
    expect(fileIdFromLink('https://drive.google.com/file/d/1AbCdEfGhIjKlMnOp/view')).toBe('1AbCdEfGhIjKlMnOp');
    expect(fileIdFromLink('http://localhost:8000/api/media/deadbeef')).toBe('deadbeef');
    expect(fileIdFromLink('https://example.com/x')).toBeNull();
  });

  it('round-trips any list of references (links with delimiters are escaped)', () => {
    const idArb = fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/);
    const mimeArb = fc.constantFrom('image/png', 'image/jpeg', 'audio/mpeg', 'video/mp4', 'audio/x-m4a');
    const refArb = fc.record({ file_id: idArb, mime_type: mimeArb, link: fc.webUrl({ withQueryParameters: true, withFragments: true }) });
    fc.assert(
      fc.property(fc.array(refArb, { maxLength: 6 }), (refs) => {
        const cell = encodeAttachmentCell(refs);
        const decoded = decodeAttachmentCell(cell);
        expect(decoded.map((r) => [r.file_id, r.mime_type])).toEqual(refs.map((r) => [r.file_id, r.mime_type]));
        // Decoding then encoding again is stable, and every link still names the same resource.
        expect(encodeAttachmentCell(decoded)).toBe(cell);
        decoded.forEach((r, i) => expect(decodeURIComponent(r.link)).toBe(decodeURIComponent(refs[i]!.link.replace(/[|;,\s]/g, (c) => encodeURIComponent(c)))));
      }),
    );
  });
});
