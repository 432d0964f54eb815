// Subpath `@pecunia/core/testing`: small real media files for tests of any package.
export { pngBytes, mp3Bytes, jpegBytes, pdfBytes, toBase64 } from './testing/media-samples';
export { makeTrade, utcAt, sampleJournal } from './analysis/make-trade';
