// Subpath `@pecunia/core/testing`: helpers for tests of any package (never imported by production code).
export { pngBytes, mp3Bytes, jpegBytes, pdfBytes, toBase64 } from './testing/media-samples';
export { makeTrade, utcAt, sampleJournal } from './testing/make-trade';
export { sqsRecord, lambdaContext } from './testing/aws-events';
export { analysisResult } from './testing/analysis-result';
